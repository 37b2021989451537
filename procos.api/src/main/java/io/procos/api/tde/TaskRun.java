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
 * @param toolReruns how often the tool was called again because a call had started and its end was never
 *     recorded (ProcOS stopped or crashed while the tool ran): 0 for a call made once. Tools that honour the
 *     call's idempotency key ({@code ToolContext.taskId()}) had their effect once all the same.
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
        Instant endedAt,
        int toolReruns) {

    public static final String COMPLETED = "COMPLETED";
    public static final String FAILED = "FAILED";

    public TaskRun {
        variables = variables == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        arguments = arguments == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    /** A run whose tool was called once. */
    public TaskRun(
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
        this(
                taskId,
                instanceId,
                processKey,
                activityId,
                name,
                documentation,
                variables,
                tool,
                arguments,
                mode,
                confidence,
                rationale,
                planner,
                result,
                resultText,
                status,
                error,
                correction,
                attempts,
                decideMillis,
                executeMillis,
                iterations,
                converged,
                startedAt,
                endedAt,
                0);
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
