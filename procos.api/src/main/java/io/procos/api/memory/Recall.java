package io.procos.api.memory;

import java.time.Instant;

/** What to recall: the {@code k} nearest, optionally only of one kind, one process, or since a time. */
public record Recall(int k, String kind, String processKey, Instant since) {

    public static final int MAX_K = 100;

    public Recall {
        if (k < 1 || k > MAX_K) throw new IllegalArgumentException("k must be between 1 and " + MAX_K + ", not " + k);
    }

    public static Recall nearest(int k) {
        return new Recall(k, null, null, null);
    }

    public Recall ofKind(String kind) {
        return new Recall(k, kind, processKey, since);
    }
}
