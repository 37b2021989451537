package io.procos.pdo.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A cache of at most {@code capacity} entries that lets the least recently used go: for what is derived from
 * process definitions, of which every assistant command deploys a new one.
 */
final class BoundedCache<K, V> {

    private final LinkedHashMap<K, V> entries;

    BoundedCache(int capacity) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The cached value, or the computed one (computed outside the lock: a race computes twice, harmlessly). */
    V get(K key, Function<K, V> compute) {
        synchronized (entries) {
            V v = entries.get(key);
            if (v != null) return v;
        }
        V v = compute.apply(key);
        if (v == null) return null;
        synchronized (entries) {
            entries.put(key, v);
        }
        return v;
    }

    V getIfPresent(K key) {
        synchronized (entries) {
            return entries.get(key);
        }
    }

    void put(K key, V value) {
        synchronized (entries) {
            entries.put(key, value);
        }
    }

    void remove(K key) {
        synchronized (entries) {
            entries.remove(key);
        }
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
