package io.procos.pdo.internal;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

/**
 * The names BPMN expressions may use ({@code ${procosTdeDecide}}): the orchestrator's own delegates for
 * pdo.bpmn and tde.bpmn, and nothing else. The TDE's steps find the task executor service when they run.
 */
final class DelegateBeans extends AbstractMap<Object, Object> {

    private final Map<String, Object> own;

    DelegateBeans(Map<String, Object> own) {
        this.own = Map.copyOf(own);
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public Object get(Object key) {
        if (!(key instanceof String name)) return null;
        return own.get(name);
    }

    @Override
    public Set<Entry<Object, Object>> entrySet() {
        // the engine never enumerates beans; the live set is not knowable without a snapshot
        return Set.of();
    }
}
