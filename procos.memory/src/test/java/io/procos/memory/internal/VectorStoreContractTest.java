package io.procos.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.procos.api.memory.Recall;
import io.procos.memory.spi.VectorStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * One contract for every vector store: run against the Neo4j vector index always, and against Weaviate
 * when PROCOS_WEAVIATE_URL (and PROCOS_WEAVIATE_API_KEY if needed) point to a server.
 */
public abstract class VectorStoreContractTest {

    protected abstract VectorStore store() throws Exception;

    static float[] unit(Random random, int dims) {
        float[] v = new float[dims];
        double n = 0;
        for (int i = 0; i < dims; i++) {
            v[i] = (float) random.nextGaussian();
            n += v[i] * v[i];
        }
        for (int i = 0; i < dims; i++) v[i] /= (float) Math.sqrt(n);
        return v;
    }

    @Test
    public void theNearestVectorComesFirstFiltersHoldAndUpsertsAreIdempotent() throws Exception {
        VectorStore store = store();
        store.ensureSchema(384);
        store.ensureSchema(384); // twice: nothing breaks
        Random random = new Random(42);
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<VectorStore.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            entries.add(new VectorStore.Entry(
                    UUID.randomUUID().toString(),
                    i % 2 == 0 ? "note" : "decision",
                    "item " + i,
                    "contract-" + run,
                    Instant.now().toEpochMilli(),
                    "{\"i\":" + i + "}",
                    unit(random, 384)));
        }
        long before = store.count();
        store.upsert(entries);
        store.upsert(entries.subList(0, 10));
        awaitCount(store, before + 50);
        assertThat(store.count()).isEqualTo(before + 50);

        VectorStore.Entry target = entries.get(17);
        List<VectorStore.Match> hits = store.search(target.vector(), new Recall(5, null, "contract-" + run, null));
        assertThat(hits).isNotEmpty();
        assertThat(hits.get(0).entry().id()).isEqualTo(target.id());
        assertThat(hits.get(0).cosine()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(hits.get(0).entry().text()).isEqualTo("item 17");
        assertThat(hits.get(0).entry().properties()).contains("\"i\":17");

        List<VectorStore.Match> notes = store.search(target.vector(), new Recall(5, "note", "contract-" + run, null));
        assertThat(notes).isNotEmpty().allSatisfy(m -> assertThat(m.entry().kind())
                .isEqualTo("note"));
        assertThat(notes).extracting(m -> m.entry().id()).doesNotContain(target.id());
        assertThat(store.search(
                        target.vector(),
                        new Recall(5, null, "contract-" + run, Instant.now().plusSeconds(3600))))
                .isEmpty();
    }

    private static void awaitCount(VectorStore store, long n) throws InterruptedException {
        for (int i = 0; i < 100 && store.count() < n; i++) Thread.sleep(100);
    }
}
