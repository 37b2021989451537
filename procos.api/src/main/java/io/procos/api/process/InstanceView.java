package io.procos.api.process;

import io.procos.api.tde.TaskRun;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A domain process instance as a person wants to see it: its state, each task's latest {@link TaskRun}
 * (the decision with its rationale and confidence, what came of it, how many attempts ran), and any incident; {@code toolPolicy} is what its tasks
 * may use ({@link io.procos.api.tool.ToolPolicy}, the default expanded).
 */
public record InstanceView(
        String id,
        String processKey,
        int processVersion,
        InstanceState state,
        Instant startedAt,
        Instant endedAt,
        Map<String, Object> variables,
        List<TaskRun> tasks,
        List<Incident> incidents,
        String toolPolicy) {

    public InstanceView {
        variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables)); // values may be null
        tasks = List.copyOf(tasks);
        incidents = List.copyOf(incidents);
    }

    /** An instance whose process states no tool policy: the configured default applies. */
    public InstanceView(
            String id,
            String processKey,
            int processVersion,
            InstanceState state,
            Instant startedAt,
            Instant endedAt,
            Map<String, Object> variables,
            List<TaskRun> tasks,
            List<Incident> incidents) {
        this(id, processKey, processVersion, state, startedAt, endedAt, variables, tasks, incidents, null);
    }

    /** Something the engine could not get past; {@code message} is the last error. */
    public record Incident(String id, String type, String activityId, String message, Instant createdAt) {}
}
