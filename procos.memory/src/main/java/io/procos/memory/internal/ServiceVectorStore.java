package io.procos.memory.internal;

import io.procos.api.memory.Recall;
import io.procos.memory.spi.VectorStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The vector store another bundle registers (chosen by {@code vectorStore} in memory's configuration), as
 * memory uses it: while none is registered, every call fails with what to install or configure, and
 * memory's writer waits and tries again as it does for an unreachable graph; a store registered later
 * (or again, after its configuration changed) gets its schema before its first use.
 */
final class ServiceVectorStore implements VectorStore {

    private final String name;
    private final String missing;
    private final AtomicReference<VectorStore> bound = new AtomicReference<>();
    private volatile VectorStore prepared;
    private volatile int dimensions;

    ServiceVectorStore(String name, String missing) {
        this.name = name;
        this.missing = missing;
    }

    /** Whether a service with this {@value VectorStore#NAME_PROPERTY} is the one chosen. */
    boolean named(Object name) {
        return this.name.equals(name);
    }

    void bind(VectorStore store) {
        bound.set(store);
    }

    void unbind(VectorStore store) {
        bound.compareAndSet(store, null);
    }

    private VectorStore current() {
        VectorStore store = bound.get();
        if (store == null) throw new IllegalStateException(missing);
        if (store != prepared) {
            synchronized (this) {
                if (store != prepared) {
                    if (dimensions > 0) store.ensureSchema(dimensions);
                    prepared = store;
                }
            }
        }
        return store;
    }

    @Override
    public String name() {
        VectorStore store = bound.get();
        return store == null ? name + " (not there yet)" : store.name();
    }

    @Override
    public void ensureSchema(int dimensions) {
        VectorStore store = bound.get();
        if (store == null) throw new IllegalStateException(missing);
        synchronized (this) {
            store.ensureSchema(dimensions);
            this.dimensions = dimensions;
            prepared = store;
        }
    }

    @Override
    public void upsert(List<Entry> entries) {
        current().upsert(entries);
    }

    @Override
    public List<Match> search(float[] vector, Recall recall) {
        return current().search(vector, recall);
    }

    @Override
    public long count() {
        return current().count();
    }

    /** The store belongs to the bundle that registered it, which closes it. */
    @Override
    public void close() {}
}
