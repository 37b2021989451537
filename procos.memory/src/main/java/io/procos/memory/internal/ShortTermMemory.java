package io.procos.memory.internal;

import io.procos.api.memory.MemoryItem;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The items remembered last, recallable at once, before the long-term stores have them: at most so
 * many items and so many bytes, the oldest going first. An item weighs its line in the memory log (its
 * text and properties as JSON); its vector, once known, is not counted: a few KiB at most, bounded by
 * the item count.
 */
final class ShortTermMemory {

    /** A recently remembered item and its vector once known. */
    static final class Recent {
        final MemoryItem item;
        final int bytes;
        volatile float[] vector;

        Recent(MemoryItem item, int bytes) {
            this.item = item;
            this.bytes = bytes;
        }
    }

    private final int maxItems;
    private final long maxBytes;
    private final LinkedHashMap<String, Recent> items = new LinkedHashMap<>();
    private long bytes;

    ShortTermMemory(int maxItems, long maxBytes) {
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
    }

    /**
     * Keeps the item as the newest, and lets the oldest go while over a bound. An item heavier than all
     * of short-term memory is not kept (nor does it push the others out): recall finds it once the
     * stores have it.
     */
    synchronized void put(MemoryItem item, int weight) {
        Recent old = items.remove(item.id());
        if (old != null) bytes -= old.bytes;
        if (weight > maxBytes || maxItems < 1) return;
        items.put(item.id(), new Recent(item, weight));
        bytes += weight;
        Iterator<Recent> oldest = items.values().iterator();
        while (items.size() > maxItems || bytes > maxBytes) {
            bytes -= oldest.next().bytes;
            oldest.remove();
        }
    }

    /** Its vector, as the writer computed it. */
    synchronized void vector(String id, float[] vector) {
        Recent r = items.get(id);
        if (r != null) r.vector = vector;
    }

    synchronized List<Recent> items() {
        return new ArrayList<>(items.values());
    }

    synchronized int size() {
        return items.size();
    }

    synchronized long bytes() {
        return bytes;
    }
}
