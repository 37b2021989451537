package io.procos.tde.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procos.api.tde.Decision;
import io.procos.api.memory.Hit;
import io.procos.api.memory.Memory;
import io.procos.api.memory.Recall;
import io.procos.api.tde.Planner;
import io.procos.api.tde.Precedent;
import io.procos.api.tde.TaskDescription;
import io.procos.api.tool.ToolCatalog;
import io.procos.api.tool.ToolDescriptor;
import io.procos.api.tool.ToolPolicy;
import io.procos.api.tool.ToolResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * The steps of {@code tde.bpmn}, contributed as delegate services by name. Decide asks the best
 * planner there is now (an LLM planner when configured, else the offline one) which of the tools that
 * exist now does the task; Execute invokes it once (deterministic mode); Sample invokes it again and
 * again until its results converge (probabilistic mode); Log records the outcome and publishes it. Every
 * failure (no planner yet, no tool fits, invalid arguments, a tool error that a second look did not fix)
 * becomes the BPMN error {@value #TASK_FAILED}, so the orchestrator retries the task and, in the end,
 * raises an incident carrying the reason.
 */
final class TaskExecutorSteps {

    static final String TASK_FAILED = "procos.taskFailed";
    /** The EventAdmin topic of every decision with its outcome, for memory and monitoring. */
    static final String DECISION_TOPIC = "io/procos/tde/DECISION";
    static final ObjectMapper JSON = new ObjectMapper();

    private TaskExecutorSteps() {}

    /** What an engine text variable holds at most (the column's width on H2 and PostgreSQL). */
    static final int MAX_TEXT = 4000;

    /**
     * Text from an engine variable: the engine keeps at most {@value #MAX_TEXT} characters in a text
     * variable, so longer text (a task's documentation, its input, a script as argument) arrives as UTF-8 bytes.
     */
    static String text(Object value) {
        if (value instanceof byte[] bytes) return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        return value == null ? null : value.toString();
    }

    /** Sets a text variable so that the engine can store it whatever its length. */
    static void setText(DelegateExecution tde, String name, String value) {
        tde.setVariable(name, value != null && value.length() > MAX_TEXT
                ? org.camunda.bpm.engine.variable.Variables.byteArrayValue(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) : value);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value) {
        String json = text(value);
        if (json == null || json.isBlank()) return Map.of();
        try {
            return JSON.readValue(json, Map.class);
        } catch (JsonProcessingException e) {
            throw new BpmnError(TASK_FAILED, "not a JSON object: " + e.getOriginalMessage());
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new BpmnError(TASK_FAILED, "cannot write JSON: " + e.getOriginalMessage());
        }
    }

    static TaskDescription task(DelegateExecution tde) {
        return new TaskDescription(text(tde.getVariable("taskName")), text(tde.getVariable("taskDocumentation")),
                object(tde.getVariable("taskInput")));
    }

    /** What the task's process allows: the orchestrator passes the process's policy, the default expanded. */
    static ToolPolicy policy(DelegateExecution tde) {
        try {
            return ToolPolicy.parse(text(tde.getVariable("toolPolicy")), ToolPolicy.standard());
        } catch (IllegalArgumentException e) {
            throw new BpmnError(TASK_FAILED, e.getMessage());
        }
    }

    static ToolRunner.Outcome run(ToolRunner runner, TaskDescription task, Decision decision, String key, boolean mayReconsider) {
        try {
            return runner.run(task, decision, key, mayReconsider);
        } catch (ToolRunner.TaskFailed e) {
            throw new BpmnError(TASK_FAILED, e.getMessage());
        }
    }

    static void record(DelegateExecution tde, ToolRunner.Outcome outcome) {
        if (outcome.correction() == null) return;
        Decision d = outcome.decision();
        setText(tde, "correction", outcome.correction());
        tde.setVariable("tool", d.tool());
        setText(tde, "arguments", json(d.arguments()));
        setText(tde, "rationale", d.rationale());
    }

    @Component(service = JavaDelegate.class, property = "procos.delegate.name=procosTdeDecide")
    public static final class Decide implements JavaDelegate {

        @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
                policyOption = ReferencePolicyOption.GREEDY)
        private volatile Planner planner;

        @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
        private volatile ToolCatalog catalog;

        @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
        private volatile Memory memory;

        @Override
        public void execute(DelegateExecution tde) {
            Planner p = planner;
            ToolCatalog c = catalog;
            if (p == null || c == null) {
                throw new BpmnError(TASK_FAILED, "no planner is available yet (the embedding model may still be loading); the task will be retried");
            }
            long start = System.nanoTime();
            String key = AttemptMemo.key(tde, "decide");
            Decision d = AttemptMemo.INSTANCE.get(key, Decision.class);
            if (d == null) {
                TaskDescription task = task(tde);
                // the planner is offered only what the process allows
                List<ToolDescriptor> allowed = policy(tde).filter(c.tools());
                d = p.decide(task, allowed, precedents(memory, task).stream()
                        .filter(pr -> allowed.stream().anyMatch(t -> t.name().equals(pr.tool()))).toList());
                AttemptMemo.INSTANCE.put(key, d);
            }
            tde.setVariable("decideMillis", (System.nanoTime() - start) / 1_000_000L);
            tde.setVariable("tool", d.tool());
            setText(tde, "arguments", json(d.arguments()));
            tde.setVariable("mode", d.mode());
            tde.setVariable("confidence", d.confidence());
            setText(tde, "rationale", d.rationale());
            tde.setVariable("planner", d.planner());
            if (d.tool() == null) throw new BpmnError(TASK_FAILED, d.rationale());
        }
    }

    /** Similar past tasks that worked, from memory; none when memory is not there or cannot answer. */
    static List<Precedent> precedents(Memory m, TaskDescription task) {
        if (m == null) return List.of();
        try {
            List<Precedent> out = new ArrayList<>();
            for (Hit h : m.recall(task.text(), new Recall(5, "decision", null, null))) {
                Map<String, Object> props = h.item().properties();
                if ("COMPLETED".equals(props.get("status")) && props.get("tool") instanceof String tool && !tool.isBlank()) {
                    out.add(new Precedent(h.item().text(), tool, object(props.get("arguments")), h.score()));
                }
            }
            return out;
        } catch (RuntimeException e) {
            return List.of(); // memory is a help, never a condition
        }
    }

    @Component(service = JavaDelegate.class, property = "procos.delegate.name=procosTdeExecute")
    public static final class Execute implements JavaDelegate {

        @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
        private volatile ToolCatalog catalog;

        @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
                policyOption = ReferencePolicyOption.GREEDY)
        private volatile Planner planner;

        private final ArgumentValidator validator = new ArgumentValidator();

        @Override
        public void execute(DelegateExecution tde) {
            ToolCatalog c = catalog;
            if (c == null) throw new BpmnError(TASK_FAILED, "the tool catalogue is not available");
            long start = System.nanoTime();
            String key = AttemptMemo.key(tde, "execute");
            Object done = AttemptMemo.INSTANCE.get(key, Object.class);
            if (done instanceof String failure) throw new BpmnError(TASK_FAILED, failure);
            ToolRunner.Outcome outcome = done instanceof ToolRunner.Outcome o ? o : null;
            if (outcome == null) {
                try {
                    outcome = run(new ToolRunner(c, planner, validator, policy(tde)), task(tde), ToolRunner.decision(tde.getVariables()),
                            String.valueOf(tde.getVariable("externalTaskId")), true);
                } catch (BpmnError failed) {
                    AttemptMemo.INSTANCE.put(key, failed.getMessage());
                    throw failed;
                }
                AttemptMemo.INSTANCE.put(key, outcome);
            }
            tde.setVariable("executeMillis", (System.nanoTime() - start) / 1_000_000L);
            record(tde, outcome);
            ToolResult result = outcome.result();
            setText(tde, "result", json(result.content()));
            setText(tde, "resultText", result.text());
        }
    }

    /**
     * One sample of a stochastic tool per run of this step; tde.bpmn loops back through "Converged?"
     * while {@code sampleAgain} is true. The samples so far are kept as a variable, so a loop that is
     * interrupted (ProcOS stopped) goes on where it was.
     */
    @Component(service = JavaDelegate.class, property = "procos.delegate.name=procosTdeSample")
    public static final class Sample implements JavaDelegate {

        @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
        private volatile ToolCatalog catalog;

        @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
                policyOption = ReferencePolicyOption.GREEDY)
        private volatile Planner planner;

        private final ArgumentValidator validator = new ArgumentValidator();

        @Override
        public void execute(DelegateExecution tde) {
            ToolCatalog c = catalog;
            if (c == null) throw new BpmnError(TASK_FAILED, "the tool catalogue is not available");
            TaskDescription task = task(tde);
            Convergence rule;
            try {
                rule = Convergence.from(task.variables());
            } catch (IllegalArgumentException e) {
                throw new BpmnError(TASK_FAILED, "the sampling settings are invalid: " + e.getMessage());
            }
            List<Object> samples = samples(tde);
            long start = System.nanoTime();
            // only the first sample may send the decision back to the planner; later ones run what worked
            ToolRunner.Outcome outcome = run(new ToolRunner(c, planner, validator, policy(tde)), task, ToolRunner.decision(tde.getVariables()),
                    tde.getVariable("externalTaskId") + "/sample-" + (samples.size() + 1), samples.isEmpty());
            record(tde, outcome);
            Object value;
            try {
                value = Convergence.observe(outcome.result().content(), task.variables().get("observe") instanceof String o ? o : null);
            } catch (IllegalArgumentException e) {
                throw new BpmnError(TASK_FAILED, e.getMessage());
            }
            samples.add(value);
            long elapsed = (System.nanoTime() - start) / 1_000_000L + (tde.getVariable("executeMillis") instanceof Long l ? l : 0L);
            tde.setVariable("executeMillis", elapsed);
            boolean converged = rule.converged(samples);
            boolean again = !converged && samples.size() < rule.maxSamples();
            tde.setVariable("sampleValues", json(samples).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            tde.setVariable("iterations", samples.size());
            tde.setVariable("converged", converged);
            tde.setVariable("sampleAgain", again);
            if (!again) {
                Map<String, Object> result = new LinkedHashMap<>();
                boolean numeric = Convergence.numeric(samples);
                result.put("value", numeric ? Convergence.mean(samples) : value);
                result.put("samples", samples.size());
                result.put("converged", converged);
                if (numeric) result.put("spread", spread(samples));
                result.put("lastResult", outcome.result().content());
                setText(tde, "result", json(result));
                setText(tde, "resultText", (converged ? "converged after " : "did not converge; stopped at the maximum of ")
                        + samples.size() + " samples (" + rule.describe() + ")");
            }
        }

        @SuppressWarnings("unchecked")
        private static List<Object> samples(DelegateExecution tde) {
            Object bytes = tde.getVariable("sampleValues");
            if (!(bytes instanceof byte[] b)) return new ArrayList<>();
            try {
                return new ArrayList<>(JSON.readValue(b, List.class));
            } catch (IOException e) {
                throw new BpmnError(TASK_FAILED, "the samples so far cannot be read: " + e.getMessage());
            }
        }

        private static double spread(List<Object> samples) {
            double mean = Convergence.mean(samples);
            return Math.sqrt(samples.stream().mapToDouble(s -> Math.pow(((Number) s).doubleValue() - mean, 2)).sum() / Math.max(1, samples.size() - 1));
        }
    }

    @Component(service = JavaDelegate.class, property = "procos.delegate.name=procosTdeLog")
    public static final class Log implements JavaDelegate {

        @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
        private volatile EventAdmin events;

        @Override
        public void execute(DelegateExecution tde) {
            String status = tde.getVariable("error") == null ? "COMPLETED" : "FAILED";
            tde.setVariable("status", status);
            EventAdmin e = events;
            if (e != null) e.postEvent(new Event(DECISION_TOPIC, event(tde, status))); // asynchronous: never holds the task up
        }

        static Map<String, Object> event(DelegateExecution tde, String status) {
            Map<String, Object> p = new LinkedHashMap<>();
            for (String name : List.of("domainInstanceId", "processKey", "attempt", "externalTaskId", "activityId", "taskName", "taskDocumentation", "taskInput",
                    "tool", "arguments", "mode", "confidence", "rationale", "planner", "correction", "result", "resultText", "error",
                    "decideMillis", "executeMillis", "iterations", "converged")) {
                Object v = tde.getVariable(name);
                if (v != null) p.put(name, v instanceof byte[] ? text(v) : v);
            }
            p.put("status", status);
            p.put("tdeInstanceId", tde.getProcessInstanceId());
            return p;
        }
    }
}
