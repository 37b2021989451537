package io.procos.api.tde;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A task as the executor sees it: what its process says in words, and the variables it can use. */
public record TaskDescription(String name, String documentation, Map<String, Object> variables) {

    public TaskDescription {
        name = name == null ? "" : name;
        documentation = documentation == null ? "" : documentation;
        variables = variables == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    }

    /** Name and documentation as one text, the way planners read the task. */
    public String text() {
        return documentation.isBlank() ? name : name + ". " + documentation;
    }
}
