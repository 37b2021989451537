package io.procos.memory.internal;

import io.procos.api.memory.Recall;
import java.util.List;

/**
 * Where the vectors of memory items live, chosen by configuration: the Neo4j vector index (the
 * default, beside the graph) or Weaviate. Upserts are idempotent by item id.
 */
interface VectorStore extends AutoCloseable {

    /** One item's vector and what a hit shows of it. */
    record Entry(
            String id,
            String kind,
            String text,
            String processKey,
            long createdAt,
            String properties,
            float[] vector) {}

    /** A hit: the entry (without its vector) and the cosine similarity to the query. */
    record Match(Entry entry, double cosine) {}

    String name();

    /** Creates the index or collection when missing; safe to call on every start. */
    void ensureSchema(int dimensions);

    void upsert(List<Entry> entries);

    List<Match> search(float[] vector, Recall recall);

    long count();

    @Override
    void close();
}
