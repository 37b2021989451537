package io.procos.memory.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procos.api.memory.MemoryItem;
import io.procos.api.memory.Relation;
import io.procos.api.memory.Relation.Node;
import io.procos.api.tde.TaskRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A finished task run ({@link TaskRun}, from its {@link io.procos.api.tde.TaskRunEvent}) as memory: the
 * decision (its text is the task in words, which is what later tasks are compared with), linked to its
 * task, instance, process and tool, and the error it ended with, if any.
 */
final class DecisionMemory {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DecisionMemory() {}

    static List<MemoryItem> items(TaskRun run) {
        if (run == null) return List.of();
        String taskName = str(run.name());
        String text = run.text();
        if (text.isBlank()) return List.of();
        String tool = str(run.tool());
        String instance = str(run.instanceId());
        String task = str(run.taskId());
        String process = str(run.processKey());
        Map<String, Object> props = new LinkedHashMap<>();
        put(props, "tool", run.tool());
        put(props, "arguments", json(run.arguments())); // the graph keeps plain values: structure as JSON text
        put(props, "mode", run.mode());
        put(props, "confidence", run.confidence());
        put(props, "rationale", run.rationale());
        put(props, "planner", run.planner());
        put(props, "status", run.status());
        put(props, "error", run.error());
        put(props, "correction", run.correction());
        if (run.toolReruns() > 0)
            put(props, "toolReruns", run.toolReruns()); // called again after a crash: said, never silent
        put(props, "decideMillis", run.decideMillis());
        put(props, "executeMillis", run.executeMillis());
        put(props, "iterations", run.iterations());
        put(props, "converged", run.converged());
        put(props, "attempt", run.attempts());
        put(props, "activityId", run.activityId());
        put(props, "taskName", run.name());
        put(props, "resultText", run.resultText());
        props.put("processKey", process);
        props.put("instanceId", instance);
        props.put("taskId", task);
        List<Relation> relations = new ArrayList<>();
        if (!tool.isBlank()) relations.add(Relation.to("USED", Node.tool(tool)));
        if (!task.isBlank()) relations.add(Relation.from(Node.task(task), "DECIDED"));
        if (!instance.isBlank() && !task.isBlank())
            relations.add(new Relation(Node.instance(instance), "RAN", Node.task(task)));
        if (!instance.isBlank() && !process.isBlank())
            relations.add(new Relation(Node.instance(instance), "INSTANCE_OF", Node.process(process)));
        // one item per attempt of a task: the same run posted again (its transaction was retried) is the same item
        String id = task.isBlank()
                ? UUID.randomUUID().toString()
                : UUID.nameUUIDFromBytes(("decision:" + task + "#" + run.attempts())
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .toString();
        List<MemoryItem> out = new ArrayList<>();
        out.add(new MemoryItem(id, "decision", text, props, relations, Instant.now()));
        String error = str(run.error());
        if (!error.isBlank()) {
            List<Relation> errorRelations = new ArrayList<>();
            errorRelations.add(Relation.from(Node.item("Decision", id), "FAILED_WITH"));
            if (!tool.isBlank()) errorRelations.add(Relation.to("RAISED_BY", Node.tool(tool)));
            Map<String, Object> errorProps = new LinkedHashMap<>();
            errorProps.put("tool", tool);
            errorProps.put("taskName", taskName);
            errorProps.put("processKey", process);
            errorProps.put("instanceId", instance);
            out.add(new MemoryItem(
                    task.isBlank()
                            ? null
                            : UUID.nameUUIDFromBytes(("error:" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                                    .toString(),
                    "error",
                    error,
                    errorProps,
                    errorRelations,
                    Instant.now()));
        }
        return out;
    }

    private static void put(Map<String, Object> props, String key, Object value) {
        if (value != null) props.put(key, value);
    }

    private static String json(Map<String, Object> value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return "{}";
        }
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }
}
