package io.procos.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procos.api.memory.Recall;
import io.procos.memory.spi.VectorStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store another bundle registers, as memory sees it while it comes, goes and is replaced. */
class ServiceVectorStoreTest {

    /** A store that records what was asked of it. */
    static final class Recording implements VectorStore {
        final List<String> calls = new ArrayList<>();
        final String name;

        Recording(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void ensureSchema(int dimensions) {
            calls.add("schema " + dimensions);
        }

        @Override
        public void upsert(List<Entry> entries) {
            calls.add("upsert " + entries.size());
        }

        @Override
        public List<Match> search(float[] vector, Recall recall) {
            calls.add("search");
            return List.of();
        }

        @Override
        public long count() {
            return 0;
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    @Test
    void withoutTheStoreEveryCallSaysWhatIsMissingAndAReplacementGetsItsSchemaFirst() {
        ServiceVectorStore store = new ServiceVectorStore("weaviate", "no store named weaviate: install it");
        assertThat(store.named("weaviate")).isTrue();
        assertThat(store.named("neo4j")).isFalse();
        assertThat(store.name()).isEqualTo("weaviate (not there yet)");
        assertThatThrownBy(() -> store.ensureSchema(384)).hasMessage("no store named weaviate: install it");
        assertThatThrownBy(() -> store.upsert(List.of())).hasMessage("no store named weaviate: install it");

        Recording first = new Recording("weaviate A");
        store.bind(first);
        store.ensureSchema(384);
        store.upsert(List.of());
        assertThat(first.calls).containsExactly("schema 384", "upsert 0");
        assertThat(store.name()).isEqualTo("weaviate A");

        // its configuration changed: a new service, which gets the schema before its first use
        Recording second = new Recording("weaviate B");
        store.bind(second);
        store.unbind(first); // the old one leaving after the new one came changes nothing
        store.search(new float[384], new Recall(5, null, null, null));
        assertThat(second.calls).containsExactly("schema 384", "search");

        store.unbind(second);
        assertThatThrownBy(store::count).hasMessageContaining("install it");
        store.close(); // the registering bundle closes its store, not memory
        assertThat(second.calls).doesNotContain("close");
    }
}
