package io.procos.tde.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.junit.jupiter.api.Test;

/**
 * The TDE's Execute step when the engine retries its transaction: the same attempt of a task reuses
 * what the tool already did, a new attempt runs the tool again. The execution is a map-backed stand-in
 * for the engine's (only variables are used); the tool is ToolRunnerTest's scripted catalogue.
 */
class AttemptMemoTest {

    /** A DelegateExecution that holds variables and nothing else. */
    static DelegateExecution execution(Map<String, Object> variables) {
        return execution(variables, new HashMap<>());
    }

    /** The same, also keeping every value set, as it was set (typed values included). */
    static DelegateExecution execution(Map<String, Object> variables, Map<String, Object> set) {
        Map<String, Object> vars = new HashMap<>(variables);
        return (DelegateExecution) Proxy.newProxyInstance(AttemptMemoTest.class.getClassLoader(), new Class<?>[] {DelegateExecution.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getVariable" -> vars.get((String) args[0]);
                    case "setVariable" -> {
                        set.put((String) args[0], args[1]);
                        yield vars.put((String) args[0], args[1] instanceof org.camunda.bpm.engine.variable.value.TypedValue t ? t.getValue() : args[1]);
                    }
                    case "getVariables" -> new HashMap<>(vars);
                    case "toString" -> "execution " + vars;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    static TaskExecutorSteps.Execute execute(ToolRunnerTest.ScriptedCatalog catalog) throws Exception {
        TaskExecutorSteps.Execute step = new TaskExecutorSteps.Execute();
        Field f = TaskExecutorSteps.Execute.class.getDeclaredField("catalog");
        f.setAccessible(true);
        f.set(step, catalog);
        return step;
    }

    static Map<String, Object> task(String taskId, int attempt, String path) {
        return Map.of("externalTaskId", taskId, "attempt", attempt, "taskName", "Save", "taskDocumentation", "Write 'x' to " + path,
                "taskInput", "{}", "tool", "file.write", "arguments", "{\"path\":\"" + path + "\",\"content\":\"x\"}",
                "mode", "deterministic");
    }

    @Test
    void aRetriedTransactionOfTheSameAttemptDoesNotRunTheToolAgain() throws Exception {
        ToolRunnerTest.ScriptedCatalog catalog = new ToolRunnerTest.ScriptedCatalog();
        TaskExecutorSteps.Execute step = execute(catalog);
        String taskId = UUID.randomUUID().toString();

        DelegateExecution first = execution(task(taskId, 1, "a.txt"));
        step.execute(first);
        DelegateExecution retried = execution(task(taskId, 1, "a.txt")); // the engine rolled back and runs the TDE again
        step.execute(retried);

        assertThat(catalog.calls).hasSize(1);
        assertThat(retried.getVariable("result")).isEqualTo(first.getVariable("result")).asString().contains("a.txt");

        step.execute(execution(task(taskId, 2, "a.txt"))); // a real retry of the task: a new attempt
        assertThat(catalog.calls).hasSize(2);
    }

    @Test
    void aFailedAttemptFailsAgainWithTheSameReasonWithoutRunningTheTool() throws Exception {
        ToolRunnerTest.ScriptedCatalog catalog = new ToolRunnerTest.ScriptedCatalog();
        TaskExecutorSteps.Execute step = execute(catalog);
        String taskId = UUID.randomUUID().toString();

        // no planner to reconsider: the tool's error fails the task
        assertThatThrownBy(() -> step.execute(execution(task(taskId, 1, "/etc/a.txt")))).isInstanceOf(BpmnError.class)
                .hasMessageContaining("outside the workspace");
        int calls = catalog.calls.size();
        assertThatThrownBy(() -> step.execute(execution(task(taskId, 1, "/etc/a.txt")))).isInstanceOf(BpmnError.class)
                .hasMessageContaining("outside the workspace");
        assertThat(catalog.calls).hasSize(calls);
    }
}
