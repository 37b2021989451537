package io.procos.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procos.api.health.Health;
import io.procos.api.llm.TextEmbedder;
import io.procos.api.memory.Memory.MemoryFullException;
import io.procos.api.memory.MemoryItem;
import io.procos.api.memory.Recall;
import io.procos.api.testing.Embedders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Memory's bounds in bytes, with the stores unreachable so that every write waits: the backlog refuses
 * at its bound and loses nothing it accepted, short-term memory lets its oldest items go.
 */
class MemoryBoundsTest {

    static TextEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = Embedders.offline();
    }

    static MemoryService offline(Path wal, MemoryService.Settings settings) throws Exception {
        Neo4jGraph nowhere =
                new Neo4jGraph("bolt://127.0.0.1:" + GraphServerProcess.freePort(), "neo4j", "wrong-password");
        return new MemoryService(new WriteAheadLog(wal), () -> embedder, nowhere, nowhere, settings);
    }

    static MemoryItem note(String text) {
        return new MemoryItem(null, "note", text, Map.of("processKey", "bounds"), List.of(), null);
    }

    @Test
    void atItsByteBoundTheBacklogRefusesAndKeepsEverythingItAccepted() throws Exception {
        // given: the stores unreachable, at most 64 KiB of writes waiting
        Path wal = Files.createTempDirectory("wal");
        MemoryService.Settings settings = new MemoryService.Settings(1000, 32L << 20, 100_000, 64 << 10, null);
        int accepted = 0;
        long acceptedBytes;
        MemoryFullException refused = null;
        try (MemoryService memory = offline(wal, settings)) {
            // when: notes of 1 KiB until memory refuses
            while (refused == null && accepted < 1000) {
                try {
                    memory.remember(note("note " + accepted + " " + "x".repeat(1000)));
                    accepted++;
                } catch (MemoryFullException e) {
                    refused = e;
                }
            }

            // then: refused at the bound, saying which bound, its value and where to raise it
            acceptedBytes = memory.backlogBytes();
            Health health = memory.check();
            System.out.printf(
                    "backlog at its bound: %d writes, %d bytes accepted; refused: %s%nhealth: %s %s%n",
                    accepted, acceptedBytes, refused.getMessage(), health.status(), health.detail());
            assertThat(refused.getMessage())
                    .contains(
                            "maxBacklogBytes=65536", "64 KiB", "conf/io.procos.memory.cfg", "Nothing accepted is lost");
            assertThat(accepted).isBetween(50, 64);
            assertThat(memory.backlog()).isEqualTo(accepted);
            assertThat(acceptedBytes).isLessThanOrEqualTo(64 << 10).isGreaterThan((64 << 10) - 1200);
            // and health shows the backlog in items and bytes
            assertThat(health.status()).isEqualTo(Health.Status.DEGRADED);
            assertThat(health.detail())
                    .contains(accepted + " writes (" + MemoryService.size(acceptedBytes)
                            + ") waiting of at most 100000 and 64 KiB");
            // and an item larger than the whole bound is refused as the input's mistake
            assertThatThrownBy(() -> memory.remember(note("y".repeat(100_000))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("more than all writes waiting for the stores may be")
                    .hasMessageContaining("maxBacklogBytes=65536");
            assertThat(memory.backlog()).isEqualTo(accepted);
        }
        // and: after a restart every accepted write still waits, none more
        try (MemoryService again = offline(wal, settings)) {
            assertThat(again.backlog()).isEqualTo(accepted);
            assertThat(again.backlogBytes()).isEqualTo(acceptedBytes);
            assertThatThrownBy(() -> again.remember(note("z".repeat(2000)))).isInstanceOf(MemoryFullException.class);
        }
    }

    @Test
    void shortTermMemoryLetsItsOldestItemsGoWhenOverItsByteBound() throws Exception {
        // given: short-term memory of 5 KiB, the stores unreachable (recall answers from short-term memory alone)
        String[] topics = {
            "The supplier raised steel prices.",
            "The boiler temperature is logged at night.",
            "A container is stuck in customs in Rotterdam.",
            "The forklift in hall 4 needs new brakes.",
            "Invoices go to billing as PDF.",
            "The wind tunnel test is booked for June."
        };
        try (MemoryService memory = offline(
                Files.createTempDirectory("wal"),
                new MemoryService.Settings(1000, 5 << 10, 100_000, 256L << 20, null))) {
            // when: six notes of about 1.5 KiB each
            for (String topic : topics) memory.remember(note(topic + " " + ".".repeat(1400)));

            // then: only the three newest are recalled
            List<String> recalled = memory.recall("steel price", new Recall(10, "note", "bounds", null)).stream()
                    .map(h -> h.item().text().split(" \\.")[0])
                    .toList();
            System.out.printf("short-term memory of 5 KiB after six notes of 1.5 KiB recalls: %s%n", recalled);
            assertThat(recalled).containsExactlyInAnyOrder(topics[3], topics[4], topics[5]);
            assertThat(memory.backlog()).isEqualTo(6); // all six still wait for the stores, none lost
        }
    }
}
