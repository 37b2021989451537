package io.procos.api.tde;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A past task recalled from memory, the tool that did it and the arguments that worked. */
public record Precedent(String task, String tool, Map<String, Object> arguments, double similarity) {

    public Precedent {
        arguments = arguments == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }
}
