package io.procos.api.tde;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A past task recalled from memory, the tool that did it and the arguments that worked. A {@code corrected}
 * precedent is what a person said the task should have been done with: it outweighs what worked by itself.
 */
public record Precedent(String task, String tool, Map<String, Object> arguments, double similarity, boolean corrected) {

    public Precedent {
        arguments = arguments == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    /** A precedent that worked by itself. */
    public Precedent(String task, String tool, Map<String, Object> arguments, double similarity) {
        this(task, tool, arguments, similarity, false);
    }
}
