package io.procos.tde.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procos.api.memory.Hit;
import io.procos.api.memory.Memory;
import io.procos.api.memory.Recall;
import io.procos.api.tde.Decision;
import io.procos.api.tde.Execution;
import io.procos.api.tde.Planner;
import io.procos.api.tde.Precedent;
import io.procos.api.tde.Sampling;
import io.procos.api.tde.TaskDescription;
import io.procos.api.tde.TaskExecutor;
import io.procos.api.tde.TaskFailedException;
import io.procos.api.tde.TaskRequest;
import io.procos.api.tde.TaskRun;
import io.procos.api.tde.TaskRunEvent;
import io.procos.api.tool.ToolCatalog;
import io.procos.api.tool.ToolDescriptor;
import io.procos.api.tool.ToolPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * The task executor: decides with the best planner there is now (an LLM planner when configured, else
 * the offline one) among the tools the task's process allows, with precedents from memory; executes a
 * decision once (deterministic mode) or one sample at a time (probabilistic mode); publishes each finished
 * run. No engine here: {@code procos.pdo}'s delegates for {@code tde.bpmn} call it, and so do the decide
 * endpoint and the assistant, so all of them decide the same way.
 */
@Component(service = TaskExecutor.class)
public final class TaskExecutorService implements TaskExecutor {

    static final ObjectMapper JSON = new ObjectMapper();

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Planner planner;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ToolCatalog catalog;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Memory memory;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin events;

    private final ArgumentValidator validator = new ArgumentValidator();
    private final AttemptMemo memo;

    /** For DS. */
    public TaskExecutorService() {
        this.memo = new AttemptMemo();
    }

    /** For tests and other hosts: the executor over given services (any may be null). */
    TaskExecutorService(Planner planner, ToolCatalog catalog, Memory memory, EventAdmin events, AttemptMemo memo) {
        this.planner = planner;
        this.catalog = catalog;
        this.memory = memory;
        this.events = events;
        this.memo = memo;
    }

    @Override
    public Decision decide(TaskRequest request) throws TaskFailedException {
        Planner p = planner;
        ToolCatalog c = catalog;
        if (p == null || c == null) {
            throw new TaskFailedException(
                    "no planner is available yet (the embedding model may still be loading); the task will be retried");
        }
        String key = AttemptMemo.key(request, "decide");
        Decision d = memo.get(key, Decision.class);
        if (d != null) return d;
        List<ToolDescriptor> allowed =
                policy(request).filter(c.tools()); // the planner is offered only what the process allows
        List<Precedent> precedents = precedents(memory, request.task()).stream()
                .filter(pr -> allowed.stream().anyMatch(t -> t.name().equals(pr.tool())))
                .toList();
        d = p.decide(request.task(), allowed, precedents);
        memo.put(key, d);
        return d;
    }

    @Override
    public Execution execute(TaskRequest request, Decision decision) throws TaskFailedException {
        ToolCatalog c = catalog;
        if (c == null) throw new TaskFailedException("the tool catalogue is not available");
        String key = AttemptMemo.key(request, "execute");
        Object done = memo.get(key, Object.class);
        if (done instanceof TaskFailedException failed) throw failed;
        if (done instanceof Execution e) return e;
        long start = System.nanoTime();
        try {
            ToolRunner.Outcome o = new ToolRunner(c, planner, validator, policy(request))
                    .run(request.task(), decision, callKey(request), true);
            Execution e = new Execution(
                    o.decision(),
                    o.result().content(),
                    o.result().text(),
                    o.correction(),
                    (System.nanoTime() - start) / 1_000_000L);
            memo.put(key, e);
            return e;
        } catch (ToolRunner.TaskFailed f) {
            TaskFailedException failed = new TaskFailedException(f.getMessage(), f.retryable);
            memo.put(key, failed);
            throw failed;
        }
    }

    /**
     * The call's idempotency key, which tools see as {@code ToolContext.taskId()}: the task and its attempt. A call
     * made again after a crash has the same key; a retry after a reported failure is a new attempt and a new key.
     */
    static String callKey(TaskRequest request) {
        return request.taskId() + "#" + request.attempt();
    }

    @Override
    public Sampling sample(TaskRequest request, Decision decision, List<Object> samplesSoFar)
            throws TaskFailedException {
        ToolCatalog c = catalog;
        if (c == null) throw new TaskFailedException("the tool catalogue is not available");
        TaskDescription task = request.task();
        Convergence rule;
        try {
            rule = Convergence.from(task.variables());
        } catch (IllegalArgumentException e) {
            throw new TaskFailedException("the sampling settings are invalid: " + e.getMessage(), false);
        }
        List<Object> samples = new ArrayList<>(samplesSoFar);
        long start = System.nanoTime();
        ToolRunner.Outcome outcome;
        try {
            // only the first sample may send the decision back to the planner; later ones run what worked
            outcome = new ToolRunner(c, planner, validator, policy(request))
                    .run(task, decision, callKey(request) + "/sample-" + (samples.size() + 1), samples.isEmpty());
        } catch (ToolRunner.TaskFailed f) {
            throw new TaskFailedException(f.getMessage(), f.retryable);
        }
        Object value;
        try {
            value = Convergence.observe(
                    outcome.result().content(), task.variables().get("observe") instanceof String o ? o : null);
        } catch (IllegalArgumentException e) {
            throw new TaskFailedException(e.getMessage(), false);
        }
        samples.add(value);
        boolean converged = rule.converged(samples);
        boolean again = !converged && samples.size() < rule.maxSamples();
        Map<String, Object> result = null;
        String text = null;
        if (!again) {
            result = new LinkedHashMap<>();
            boolean numeric = Convergence.numeric(samples);
            result.put("value", numeric ? Convergence.mean(samples) : value);
            result.put("samples", samples.size());
            result.put("converged", converged);
            if (numeric) result.put("spread", spread(samples));
            result.put("lastResult", outcome.result().content());
            text = (converged ? "converged after " : "did not converge; stopped at the maximum of ") + samples.size()
                    + " samples (" + rule.describe() + ")";
        }
        return new Sampling(
                outcome.decision(),
                samples,
                converged,
                again,
                result,
                text,
                outcome.correction(),
                (System.nanoTime() - start) / 1_000_000L);
    }

    @Override
    public void finished(TaskRun run) {
        // the run is recorded: nothing of this attempt is asked again, so the memo lets it go
        memo.forget(run.taskId(), run.attempts());
        EventAdmin e = events;
        if (e != null) e.postEvent(new Event(TaskRunEvent.TOPIC, TaskRunEvent.properties(run))); // asynchronous
    }

    static ToolPolicy policy(TaskRequest request) throws TaskFailedException {
        try {
            return ToolPolicy.parse(request.toolPolicy(), ToolPolicy.standard());
        } catch (IllegalArgumentException e) {
            throw new TaskFailedException(e.getMessage(), false);
        }
    }

    /** The memory kind of a correction a person made to a task's tool or arguments. */
    public static final String CORRECTION_KIND = "correction";

    /**
     * Similar past tasks from memory: corrections people made first (closest first), then decisions that worked;
     * none when memory is not there or cannot answer.
     */
    static List<Precedent> precedents(Memory m, TaskDescription task) {
        if (m == null) return List.of();
        try {
            List<Precedent> out = new ArrayList<>();
            // corrections first: what a person said a similar task should have been done with
            for (Hit h : m.recall(task.text(), new Recall(3, CORRECTION_KIND, null, null))) {
                Map<String, Object> props = h.item().properties();
                if (props.get("tool") instanceof String tool && !tool.isBlank())
                    out.add(new Precedent(h.item().text(), tool, object(props.get("arguments")), h.score(), true));
            }
            for (Hit h : m.recall(task.text(), new Recall(5, "decision", null, null))) {
                Map<String, Object> props = h.item().properties();
                if (TaskRun.COMPLETED.equals(props.get("status"))
                        && props.get("tool") instanceof String tool
                        && !tool.isBlank()) {
                    out.add(new Precedent(h.item().text(), tool, object(props.get("arguments")), h.score()));
                }
            }
            return out;
        } catch (RuntimeException e) {
            return List.of(); // memory is a help, never a condition
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value) {
        if (value instanceof Map<?, ?> m) return (Map<String, Object>) m;
        String json = value == null ? null : value.toString();
        if (json == null || json.isBlank()) return Map.of();
        try {
            return JSON.readValue(json, Map.class);
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    private static double spread(List<Object> samples) {
        double mean = Convergence.mean(samples);
        return Math.sqrt(samples.stream()
                        .mapToDouble(s -> Math.pow(((Number) s).doubleValue() - mean, 2))
                        .sum()
                / Math.max(1, samples.size() - 1));
    }
}
