package io.procos.api.memory;

/** An item recalled by meaning, with its cosine similarity to the query (1 is the same meaning). */
public record Hit(MemoryItem item, double score) {}
