package io.procos.api.tde;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a task is to be done: a tool with its arguments and mode ("deterministic": invoke once;
 * "probabilistic": sample until the results converge), or no tool ({@code tool == null}) when none fits,
 * with the reason in {@code rationale}. A decision without a tool in mode {@value #INCOMPLETE} says the task as
 * written cannot be done by the tool that fits it (a value it requires is missing): another attempt with the
 * same words would decide the same, so it is not retried.
 */
public record Decision(
        String tool, Map<String, Object> arguments, String mode, double confidence, String rationale, String planner) {

    public Decision {
        arguments = arguments == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    /** The mode of a decision without a tool because the task lacks what the fitting tool requires. */
    public static final String INCOMPLETE = "incomplete";

    public static Decision noTool(String rationale, double confidence, String planner) {
        return new Decision(null, Map.of(), "none", confidence, rationale, planner);
    }

    /** No tool: the one that fits cannot be called with what the task gives; the rationale says what is missing. */
    public static Decision incomplete(String rationale, double confidence, String planner) {
        return new Decision(null, Map.of(), INCOMPLETE, confidence, rationale, planner);
    }

    /** Whether another attempt could decide otherwise. */
    public boolean retryable() {
        return tool != null || !INCOMPLETE.equals(mode);
    }
}
