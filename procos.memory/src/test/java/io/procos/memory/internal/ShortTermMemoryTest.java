package io.procos.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.procos.api.memory.MemoryItem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Short-term memory lets its oldest items go when over either bound, items or bytes. */
class ShortTermMemoryTest {

    static List<String> texts(ShortTermMemory memory) {
        return memory.items().stream().map(r -> r.item.text()).toList();
    }

    @Test
    void theOldestGoWhenTheItemsWeighMoreThanTheBytesBound() {
        // given: room for 10 KiB and 1000 items
        ShortTermMemory memory = new ShortTermMemory(1000, 10 * 1024);

        // when: five items of 3 KiB
        for (int i = 0; i < 5; i++) memory.put(MemoryItem.of("note", "item " + i), 3 * 1024);

        // then: the three newest stay, 9 KiB
        System.out.printf(
                "short-term memory: %d items, %d bytes kept of 5 items, 15360 bytes%n", memory.size(), memory.bytes());
        assertThat(texts(memory)).containsExactly("item 2", "item 3", "item 4");
        assertThat(memory.bytes()).isEqualTo(9 * 1024);
    }

    @Test
    void theItemCountBoundsItAsWell() {
        ShortTermMemory memory = new ShortTermMemory(2, 1 << 20);
        for (int i = 0; i < 5; i++) memory.put(MemoryItem.of("note", "item " + i), 10);
        assertThat(texts(memory)).containsExactly("item 3", "item 4");
        assertThat(memory.bytes()).isEqualTo(20);
    }

    @Test
    void anItemHeavierThanAllOfShortTermMemoryIsNotKeptAndPushesNothingOut() {
        // given
        ShortTermMemory memory = new ShortTermMemory(1000, 10 * 1024);
        memory.put(MemoryItem.of("note", "small"), 100);

        // when
        memory.put(MemoryItem.of("note", "huge"), 11 * 1024);

        // then
        assertThat(texts(memory)).containsExactly("small");
        assertThat(memory.bytes()).isEqualTo(100);
    }

    @Test
    void anItemRememberedAgainIsWeighedOnce() {
        ShortTermMemory memory = new ShortTermMemory(1000, 10 * 1024);
        MemoryItem item = MemoryItem.of("note", "again");
        memory.put(item, 4000);
        memory.put(item, 4000);
        assertThat(memory.size()).isEqualTo(1);
        assertThat(memory.bytes()).isEqualTo(4000);
    }
}
