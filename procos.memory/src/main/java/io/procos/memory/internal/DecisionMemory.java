package io.procos.memory.internal;

import io.procos.api.memory.MemoryItem;
import io.procos.api.memory.Relation;
import io.procos.api.memory.Relation.Node;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A task executor's decision event as memory: the decision (its text is the task in words, which is
 * what later tasks are compared with), linked to its task, instance, process and tool, and the error
 * it ended with, if any.
 */
final class DecisionMemory {

    private DecisionMemory() {}

    static List<MemoryItem> items(Map<String, Object> event) {
        String taskName = str(event.get("taskName"));
        String doc = str(event.get("taskDocumentation"));
        String text = doc.isBlank() || doc.equals(taskName) ? taskName : taskName + ". " + doc;
        if (text.isBlank()) return List.of();
        String tool = str(event.get("tool"));
        String instance = str(event.get("domainInstanceId"));
        String task = str(event.get("externalTaskId"));
        String process = str(event.get("processKey"));
        Map<String, Object> props = new LinkedHashMap<>();
        for (String key : List.of("tool", "arguments", "mode", "confidence", "rationale", "planner", "status", "error", "correction",
                "decideMillis", "executeMillis", "iterations", "converged", "attempt", "activityId", "taskName", "resultText")) {
            Object v = event.get(key);
            if (v != null) props.put(key, v);
        }
        props.put("processKey", process);
        props.put("instanceId", instance);
        props.put("taskId", task);
        List<Relation> relations = new ArrayList<>();
        if (!tool.isBlank()) relations.add(Relation.to("USED", Node.tool(tool)));
        if (!task.isBlank()) relations.add(Relation.from(Node.task(task), "DECIDED"));
        if (!instance.isBlank() && !task.isBlank()) relations.add(new Relation(Node.instance(instance), "RAN", Node.task(task)));
        if (!instance.isBlank() && !process.isBlank()) relations.add(new Relation(Node.instance(instance), "INSTANCE_OF", Node.process(process)));
        // one item per attempt of a task: the same decision posted again (its transaction was retried) is the same item
        String id = task.isBlank() ? UUID.randomUUID().toString()
                : UUID.nameUUIDFromBytes(("decision:" + task + "#" + str(event.get("attempt"))).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        List<MemoryItem> out = new ArrayList<>();
        out.add(new MemoryItem(id, "decision", text, props, relations, Instant.now()));
        String error = str(event.get("error"));
        if (!error.isBlank()) {
            List<Relation> errorRelations = new ArrayList<>();
            errorRelations.add(Relation.from(Node.item("Decision", id), "FAILED_WITH"));
            if (!tool.isBlank()) errorRelations.add(Relation.to("RAISED_BY", Node.tool(tool)));
            Map<String, Object> errorProps = new LinkedHashMap<>();
            errorProps.put("tool", tool);
            errorProps.put("taskName", taskName);
            errorProps.put("processKey", process);
            errorProps.put("instanceId", instance);
            out.add(new MemoryItem(task.isBlank() ? null : UUID.nameUUIDFromBytes(("error:" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString(),
                    "error", error, errorProps, errorRelations, Instant.now()));
        }
        return out;
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }
}
