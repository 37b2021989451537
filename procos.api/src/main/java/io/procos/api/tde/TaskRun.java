package io.procos.api.tde;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of one task: what it said, how it was decided (tool, arguments, mode, confidence, rationale,
 * planner), what came of it (result, status, error, the correction a second look made), attempts and
 * timings. It is the one record of a task run: the instance view shows it, the run event carries it,
 * memory stores it.
 *
 * @param status {@value #COMPLETED} or {@value #FAILED}
 */
public record TaskRun(
        String taskId,
        String instanceId,
        String processKey,
        String activityId,
        String name,
        String documentation,
        Map<String, Object> variables,
        String tool,
        Map<String, Object> arguments,
        String mode,
        double confidence,
        String rationale,
        String planner,
        Object result,
        String resultText,
        String status,
        String error,
        String correction,
        int attempts,
        long decideMillis,
        long executeMillis,
        Integer iterations,
        Boolean converged,
        Instant startedAt,
        Instant endedAt) {

    public static final String COMPLETED = "COMPLETED";
    public static final String FAILED = "FAILED";

    public TaskRun {
        variables = variables == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        arguments = arguments == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    /** The decision this run took. */
    public Decision decision() {
        return new Decision(tool, arguments, mode, confidence, rationale, planner);
    }

    /** Name and documentation as one text, as planners and memory read the task. */
    public String text() {
        return new TaskDescription(name, documentation, null).text();
    }

    public boolean completed() {
        return COMPLETED.equals(status);
    }
}
