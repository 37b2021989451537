package io.procos.pdo.internal;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The names BPMN expressions may use ({@code ${procosTdeDecide}}): the orchestrator's own delegates,
 * then whatever the lookup finds (in OSGi, services registered with {@code procos.delegate.name}).
 * The engine asks {@code containsKey} and {@code get} on job executor threads, so the lookup is live:
 * a delegate whose bundle went away is simply not found, and the job fails with that name.
 */
final class DelegateBeans extends AbstractMap<Object, Object> {

    private final Map<String, Object> own;
    private final Function<String, Object> lookup;

    DelegateBeans(Map<String, Object> own, Function<String, Object> lookup) {
        this.own = Map.copyOf(own);
        this.lookup = lookup;
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public Object get(Object key) {
        if (!(key instanceof String name)) return null;
        Object bean = own.get(name);
        return bean != null ? bean : lookup.apply(name);
    }

    @Override
    public Set<Entry<Object, Object>> entrySet() {
        // the engine never enumerates beans; the live set is not knowable without a snapshot
        return Set.of();
    }
}
