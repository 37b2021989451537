package io.procos.api.tde;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a task is to be done: a tool with its arguments and mode ("deterministic": invoke once;
 * "probabilistic": sample until the results converge), or no tool ({@code tool == null}) when none fits,
 * with the reason in {@code rationale}.
 */
public record Decision(
        String tool, Map<String, Object> arguments, String mode, double confidence, String rationale, String planner) {

    public Decision {
        arguments = arguments == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    public static Decision noTool(String rationale, double confidence, String planner) {
        return new Decision(null, Map.of(), "none", confidence, rationale, planner);
    }
}
