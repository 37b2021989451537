package io.procos.pdo.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procos.api.tde.TaskRun;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one codec of a {@link TaskRun} in the engine: JSON text (stored through {@link EngineValues}, so any
 * length passes) for the TDE's {@code taskRun} variable and the orchestrator's history record. Times are
 * epoch milliseconds.
 */
final class TaskRuns {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TaskRuns() {}

    static String json(TaskRun run) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("taskId", run.taskId());
        m.put("instanceId", run.instanceId());
        m.put("processKey", run.processKey());
        m.put("activityId", run.activityId());
        m.put("name", run.name());
        m.put("documentation", run.documentation());
        m.put("variables", run.variables());
        m.put("tool", run.tool());
        m.put("arguments", run.arguments());
        m.put("mode", run.mode());
        m.put("confidence", run.confidence());
        m.put("rationale", run.rationale());
        m.put("planner", run.planner());
        m.put("result", run.result());
        m.put("resultText", run.resultText());
        m.put("status", run.status());
        m.put("error", run.error());
        m.put("correction", run.correction());
        m.put("attempts", run.attempts());
        m.put("decideMillis", run.decideMillis());
        m.put("executeMillis", run.executeMillis());
        m.put("iterations", run.iterations());
        m.put("converged", run.converged());
        m.put("startedAt", run.startedAt() == null ? null : run.startedAt().toEpochMilli());
        m.put("endedAt", run.endedAt() == null ? null : run.endedAt().toEpochMilli());
        m.put("toolReruns", run.toolReruns());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a task run that is no JSON: " + e.getOriginalMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static TaskRun read(String json) {
        Map<String, Object> m;
        try {
            m = JSON.readValue(json, Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a task run record that is no JSON: " + e.getOriginalMessage(), e);
        }
        return new TaskRun(
                str(m.get("taskId")),
                str(m.get("instanceId")),
                str(m.get("processKey")),
                str(m.get("activityId")),
                str(m.get("name")),
                str(m.get("documentation")),
                (Map<String, Object>) m.get("variables"),
                str(m.get("tool")),
                (Map<String, Object>) m.get("arguments"),
                str(m.get("mode")),
                num(m.get("confidence")),
                str(m.get("rationale")),
                str(m.get("planner")),
                m.get("result"),
                str(m.get("resultText")),
                str(m.get("status")),
                str(m.get("error")),
                str(m.get("correction")),
                (int) num(m.get("attempts")),
                (long) num(m.get("decideMillis")),
                (long) num(m.get("executeMillis")),
                m.get("iterations") instanceof Number n ? n.intValue() : null,
                m.get("converged") instanceof Boolean b ? b : null,
                time(m.get("startedAt")),
                time(m.get("endedAt")),
                (int) num(m.get("toolReruns")));
    }

    /** The same run as the instance view shows it: the task's state now, all attempts, the activity's times. */
    static TaskRun asViewed(
            TaskRun r,
            String activityId,
            String name,
            String status,
            int attempts,
            Instant startedAt,
            Instant endedAt) {
        return new TaskRun(
                r.taskId(),
                r.instanceId(),
                r.processKey(),
                activityId,
                name,
                r.documentation(),
                r.variables(),
                r.tool(),
                r.arguments(),
                r.mode(),
                r.confidence(),
                r.rationale(),
                r.planner(),
                r.result(),
                r.resultText(),
                status,
                r.error(),
                r.correction(),
                attempts,
                r.decideMillis(),
                r.executeMillis(),
                r.iterations(),
                r.converged(),
                startedAt,
                endedAt,
                r.toolReruns());
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    private static Instant time(Object o) {
        return o instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : null;
    }
}
