package io.procos.memory.spi;

import io.procos.api.memory.Recall;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Where the vectors of memory items live, chosen by {@code vectorStore} in {@code conf/io.procos.memory.cfg}:
 * the Neo4j vector index beside the graph (the default, inside procos.memory), or a store another bundle
 * registers as a service of this type with the property {@value #NAME_PROPERTY} naming it (procos.memory.weaviate
 * registers {@code weaviate}). Upserts are idempotent by item id.
 */
@ProviderType
public interface VectorStore extends AutoCloseable {

    /** The service property that names a store; {@code vectorStore} in memory's configuration chooses by it. */
    String NAME_PROPERTY = "procos.vectorStore";

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
