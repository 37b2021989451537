package io.procos.pdo.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procos.api.tde.Decision;
import io.procos.api.tde.Execution;
import io.procos.api.tde.Sampling;
import io.procos.api.tde.TaskDescription;
import io.procos.api.tde.TaskExecutor;
import io.procos.api.tde.TaskFailedException;
import io.procos.api.tde.TaskRequest;
import io.procos.api.tde.TaskRun;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;

/**
 * The steps of {@code tde.bpmn}: Decide and Log are delegates here; Execute and Sample are tool calls,
 * external tasks that {@link ToolCalls} runs outside any transaction. Each turns the TDE's variables into a
 * {@link TaskRequest}, asks the {@link TaskExecutor} service, and writes what it answers back. The names of
 * the variables {@code tde.bpmn} uses are the constants below, in this one place. A failure becomes the BPMN
 * error {@value #TASK_FAILED}, which {@code tde.bpmn} logs as the task's outcome.
 */
final class TdeDelegates {

    static final String TASK_FAILED = "procos.taskFailed";

    // what the orchestrator passes in (pdo.bpmn's camunda:in)
    static final String TASK_ID = "externalTaskId";
    static final String ATTEMPT = "attempt";
    static final String PROCESS_KEY = "processKey";
    static final String DOMAIN_INSTANCE = "domainInstanceId";
    static final String ACTIVITY = "activityId";
    static final String TASK_NAME = "taskName";
    static final String TASK_DOCUMENTATION = "taskDocumentation";
    static final String TASK_INPUT = "taskInput";
    static final String TOOL_POLICY = "toolPolicy";
    static final String STARTED_AT = "startedAt";
    // what the steps set (tde.bpmn's gateways read mode and sampleAgain; error is set by its boundary events)
    static final String TOOL = "tool";
    static final String ARGUMENTS = "arguments";
    static final String MODE = "mode";
    static final String CONFIDENCE = "confidence";
    static final String RATIONALE = "rationale";
    static final String PLANNER = "planner";
    static final String RESULT = "result";
    static final String RESULT_TEXT = "resultText";
    static final String CORRECTION = "correction";
    static final String ERROR = "error";
    static final String RETRYABLE = "retryable";
    static final String DECIDE_MILLIS = "decideMillis";
    static final String EXECUTE_MILLIS = "executeMillis";
    static final String SAMPLES = "sampleValues";
    static final String ITERATIONS = "iterations";
    static final String CONVERGED = "converged";
    static final String SAMPLE_AGAIN = "sampleAgain";
    static final String TOOL_RERUNS = "toolReruns";
    /** The id of tde.bpmn's sampling step (a tool call like Execute). */
    static final String SAMPLE_STEP = "sample";
    // what the TDE hands back (pdo.bpmn's camunda:out): the whole run, one record
    static final String TASK_RUN = "taskRun";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TdeDelegates() {}

    /** The delegates by the names tde.bpmn uses, over the executor there is when each step runs. */
    static Map<String, Object> beans(Supplier<TaskExecutor> executor) {
        return Map.of("procosTdeDecide", new Decide(executor), "procosTdeLog", new Log(executor));
    }

    static TaskRequest request(DelegateExecution tde) {
        Object attempt = tde.getVariable(ATTEMPT);
        return new TaskRequest(
                (String) tde.getVariable(TASK_ID),
                attempt instanceof Number n ? n.intValue() : 1,
                (String) tde.getVariable(PROCESS_KEY),
                (String) tde.getVariable(DOMAIN_INSTANCE),
                (String) tde.getVariable(ACTIVITY),
                new TaskDescription(
                        EngineValues.text(tde.getVariable(TASK_NAME)),
                        EngineValues.text(tde.getVariable(TASK_DOCUMENTATION)),
                        object(EngineValues.text(tde.getVariable(TASK_INPUT)))),
                EngineValues.text(tde.getVariable(TOOL_POLICY)));
    }

    static Decision decision(DelegateExecution tde) {
        return new Decision(
                (String) tde.getVariable(TOOL),
                object(EngineValues.text(tde.getVariable(ARGUMENTS))),
                (String) tde.getVariable(MODE),
                tde.getVariable(CONFIDENCE) instanceof Number n ? n.doubleValue() : 0,
                EngineValues.text(tde.getVariable(RATIONALE)),
                (String) tde.getVariable(PLANNER));
    }

    private static void setDecision(Map<String, Object> variables, Decision d) {
        variables.put(TOOL, d.tool());
        variables.put(ARGUMENTS, EngineValues.toEngine(json(d.arguments())));
        variables.put(MODE, d.mode());
        variables.put(CONFIDENCE, d.confidence());
        variables.put(RATIONALE, EngineValues.toEngine(d.rationale()));
        variables.put(PLANNER, d.planner());
    }

    private static void corrected(Map<String, Object> variables, Decision d, String correction) {
        if (correction == null) return;
        variables.put(CORRECTION, EngineValues.toEngine(correction));
        setDecision(variables, d);
    }

    /** What Execute hands back to the TDE: the result, its text, the time it took, a correction. */
    static void executed(Map<String, Object> variables, Execution e) {
        variables.put(EXECUTE_MILLIS, e.millis());
        corrected(variables, e.decision(), e.correction());
        variables.put(RESULT, EngineValues.toEngine(json(e.result())));
        variables.put(RESULT_TEXT, EngineValues.toEngine(e.resultText()));
    }

    /**
     * What one Sample hands back: the samples so far (a variable, so a loop interrupted by a stop goes on where
     * it was), whether to sample again, and the result once done.
     */
    static void sampled(Map<String, Object> variables, Sampling s, long millisBefore) {
        variables.put(EXECUTE_MILLIS, millisBefore + s.millis());
        corrected(variables, s.decision(), s.correction());
        variables.put(SAMPLES, json(s.samples()).getBytes(StandardCharsets.UTF_8));
        variables.put(ITERATIONS, s.samples().size());
        variables.put(CONVERGED, s.converged());
        variables.put(SAMPLE_AGAIN, s.again());
        if (!s.again()) {
            variables.put(RESULT, EngineValues.toEngine(json(s.result())));
            variables.put(RESULT_TEXT, EngineValues.toEngine(s.resultText()));
        }
    }

    @SuppressWarnings("unchecked")
    static List<Object> samples(DelegateExecution tde) {
        if (!(tde.getVariable(SAMPLES) instanceof byte[] b)) return new ArrayList<>();
        try {
            return new ArrayList<>(JSON.readValue(b, List.class));
        } catch (java.io.IOException e) {
            throw new BpmnError(TASK_FAILED, "the samples so far cannot be read: " + e.getMessage());
        }
    }

    /** The executor now, or a retryable failure when its bundle is not there. */
    private static TaskExecutor available(Supplier<TaskExecutor> executor) {
        TaskExecutor e = executor.get();
        if (e == null)
            throw new BpmnError(
                    TASK_FAILED, "the task executor (procos.tde) is not available; the task will be retried");
        return e;
    }

    private static BpmnError failed(DelegateExecution tde, TaskFailedException e) {
        if (!e.retryable()) tde.setVariable(RETRYABLE, false);
        return new BpmnError(TASK_FAILED, e.getMessage());
    }

    /** Decide: the tool, its arguments and the mode. No tool fits: the task fails with the reason. */
    record Decide(Supplier<TaskExecutor> executor) implements JavaDelegate {
        @Override
        public void execute(DelegateExecution tde) {
            long start = System.nanoTime();
            Decision d;
            try {
                d = available(executor).decide(request(tde));
            } catch (TaskFailedException e) {
                throw failed(tde, e);
            }
            tde.setVariable(DECIDE_MILLIS, (System.nanoTime() - start) / 1_000_000L);
            Map<String, Object> decided = new java.util.HashMap<>();
            setDecision(decided, d);
            tde.setVariables(decided);
            if (d.tool() == null) {
                // the words lack what the fitting tool requires: the same words will decide the same
                if (!d.retryable()) tde.setVariable(RETRYABLE, false);
                throw new BpmnError(TASK_FAILED, d.rationale());
            }
        }
    }

    /** Log: the run as one {@link TaskRun}, handed back to the orchestrator and, once committed, published. */
    record Log(Supplier<TaskExecutor> executor) implements JavaDelegate {
        @Override
        public void execute(DelegateExecution tde) {
            TaskRun run = run(tde);
            tde.setVariable(TASK_RUN, EngineValues.toEngine(TaskRuns.json(run)));
            // published once the run is recorded: a transaction that does not commit (a crash, a conflict that is
            // tried again) publishes nothing, so memory gets each run once
            org.camunda.bpm.engine.impl.context.Context.getCommandContext()
                    .getTransactionContext()
                    .addTransactionListener(org.camunda.bpm.engine.impl.cfg.TransactionState.COMMITTED, ctx -> {
                        TaskExecutor e = executor.get();
                        if (e != null) e.finished(run);
                    });
        }

        static TaskRun run(DelegateExecution tde) {
            TaskRequest r = request(tde);
            Decision d = decision(tde);
            String error = EngineValues.text(tde.getVariable(ERROR));
            Object started = tde.getVariable(STARTED_AT);
            return new TaskRun(
                    r.taskId(),
                    r.instanceId(),
                    r.processKey(),
                    r.activityId(),
                    r.task().name(),
                    r.task().documentation(),
                    r.task().variables(),
                    d.tool(),
                    d.arguments(),
                    d.mode(),
                    d.confidence(),
                    d.rationale(),
                    d.planner(),
                    plain(EngineValues.text(tde.getVariable(RESULT))),
                    EngineValues.text(tde.getVariable(RESULT_TEXT)),
                    error == null ? TaskRun.COMPLETED : TaskRun.FAILED,
                    error,
                    EngineValues.text(tde.getVariable(CORRECTION)),
                    r.attempt(),
                    tde.getVariable(DECIDE_MILLIS) instanceof Long l ? l : 0L,
                    tde.getVariable(EXECUTE_MILLIS) instanceof Long l ? l : 0L,
                    tde.getVariable(ITERATIONS) instanceof Integer i ? i : null,
                    tde.getVariable(CONVERGED) instanceof Boolean b ? b : null,
                    started instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : null,
                    Instant.now(),
                    tde.getVariable(TOOL_RERUNS) instanceof Number n ? n.intValue() : 0);
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new BpmnError(TASK_FAILED, "cannot write JSON: " + e.getOriginalMessage());
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String json) {
        if (json == null || json.isBlank()) return Map.of();
        try {
            return JSON.readValue(json, Map.class);
        } catch (JsonProcessingException e) {
            throw new BpmnError(TASK_FAILED, "not a JSON object: " + e.getOriginalMessage());
        }
    }

    /** A JSON result as plain Java values (maps, lists, text, numbers). */
    static Object plain(String json) {
        if (json == null || json.isBlank()) return null;
        try {
            return JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            return json;
        }
    }
}
