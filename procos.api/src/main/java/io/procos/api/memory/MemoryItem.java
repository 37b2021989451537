package io.procos.api.memory;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Something remembered: its kind ("note", "decision", "error", "interaction", "prompt", "process", …),
 * its text (what recall by meaning compares), plain properties, and its relations in the graph.
 */
public record MemoryItem(
        String id,
        String kind,
        String text,
        Map<String, Object> properties,
        List<Relation> relations,
        Instant createdAt) {

    public MemoryItem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
        id = id == null || id.isBlank() ? UUID.randomUUID().toString() : id;
        properties = properties == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        relations = relations == null ? List.of() : List.copyOf(relations);
        createdAt = createdAt == null ? Instant.now() : createdAt;
    }

    /**
     * Kinds only ProcOS itself records (decisions it took, errors it saw, commands it ran, prompt versions,
     * processes it knows, corrections it checked). Clients and tools cannot create them: a forged decision would
     * become a precedent, a forged process would be offered for reuse, a forged correction would decide similar
     * tasks (a person records a correction through {@code POST /api/tde/corrections}, which checks it).
     */
    public static final java.util.Set<String> RECORDED_BY_PROCOS =
            java.util.Set.of("decision", "error", "interaction", "prompt", "process", "correction");

    public static MemoryItem of(String kind, String text) {
        return new MemoryItem(null, kind, text, Map.of(), List.of(), null);
    }
}
