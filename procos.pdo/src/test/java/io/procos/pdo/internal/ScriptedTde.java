package io.procos.pdo.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.procos.api.tde.Decision;
import io.procos.api.tde.Execution;
import io.procos.api.tde.Sampling;
import io.procos.api.tde.TaskExecutor;
import io.procos.api.tde.TaskFailedException;
import io.procos.api.tde.TaskRequest;
import io.procos.api.tde.TaskRun;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Stands in for procos.tde's task executor in engine tests: it "decides" on a fixed test tool and
 * executes what the test scripts for each task name, recording when each execution ran and every run
 * it was told about. Everything else, the engine, pdo.bpmn, tde.bpmn and their delegates, is real.
 */
final class ScriptedTde implements TaskExecutor {

    /** One execution of one task: which, and its time window. */
    record Run(String taskName, long startNanos, long endNanos) {}

    interface Behaviour {
        /** Returns the result JSON, or throws {@link #failure} to fail the task. */
        String run(String taskName, String taskInput) throws Exception;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    final List<Run> runs = new CopyOnWriteArrayList<>();
    final List<TaskRun> finished = new CopyOnWriteArrayList<>();
    final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();

    private final Map<String, Object> outcomes = new ConcurrentHashMap<>();
    private final Behaviour fallback = (name, input) -> "{\"done\":\"" + name + "\"}";

    Supplier<TaskExecutor> delegates() {
        return () -> this;
    }

    @Override
    public Decision decide(TaskRequest request) {
        return new Decision("test.tool", Map.of(), "deterministic", 0.75, "the test decided so", "scripted");
    }

    /**
     * Like the real executor, runs the tool once per attempt of a task: when the engine retries a TDE's
     * transaction (a sibling ended at the same moment), the outcome of that attempt is reused.
     */
    @Override
    public Execution execute(TaskRequest request, Decision decision) throws TaskFailedException {
        String name = request.task().name();
        String attempt = request.taskId() + "#" + request.attempt();
        Object done = outcomes.get(attempt);
        if (done instanceof TaskFailedException e) throw e;
        if (done instanceof Execution e) return e;
        long start = System.nanoTime();
        try {
            String result = behaviours
                    .getOrDefault(name, fallback)
                    .run(name, JSON.writeValueAsString(request.task().variables()));
            Execution e = new Execution(decision, JSON.readValue(result, Object.class), "done", null, 1);
            outcomes.put(attempt, e);
            return e;
        } catch (TaskFailedException e) {
            outcomes.put(attempt, e);
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            runs.add(new Run(name, start, System.nanoTime()));
        }
    }

    @Override
    public Sampling sample(TaskRequest request, Decision decision, List<Object> samples) throws TaskFailedException {
        throw new TaskFailedException("the scripted executor does not sample");
    }

    @Override
    public void finished(TaskRun run) {
        finished.add(run);
    }

    static TaskFailedException failure(String message) {
        return new TaskFailedException(message);
    }
}
