package io.procos.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.procos.api.memory.MemoryItem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The memory log read back at start: whole however large (a chunk at a time, here chunks of 1 KiB), and
 * a torn or damaged record skipped, counted and kept aside while every readable record is written again.
 */
class WriteAheadLogTest {

    static final int CHUNK = 1024;

    static MemoryItem note(int i, int padding) {
        return new MemoryItem(null, "note", "note " + i + " " + "z".repeat(padding), Map.of("n", i), List.of(), null);
    }

    static List<WriteAheadLog.Line> lines(int from, int to) {
        List<WriteAheadLog.Line> lines = new ArrayList<>();
        for (int i = from; i < to; i++) lines.add(WriteAheadLog.line(note(i, i % 10 == 0 ? 5000 : 100)));
        return lines;
    }

    /** Everything the replay gives, read in small batches as the writer reads it. */
    static List<WriteAheadLog.Entry> replayAll(WriteAheadLog.Replay replay) throws Exception {
        List<WriteAheadLog.Entry> out = new ArrayList<>();
        long end = -1;
        while (!replay.done()) {
            WriteAheadLog.Chunk chunk = replay.next(7, 4096);
            assertThat(chunk.end()).isGreaterThan(end);
            end = chunk.end();
            out.addAll(chunk.entries());
        }
        return out;
    }

    static List<Object> numbers(List<WriteAheadLog.Entry> entries) {
        return entries.stream().map(e -> e.item().properties().get("n")).toList();
    }

    static List<Object> range(int from, int to) {
        List<Object> out = new ArrayList<>();
        for (int i = from; i < to; i++) out.add(i);
        return out;
    }

    @Test
    void aLogManyChunksLongIsReplayedWholeFromItsCheckpoint() throws Exception {
        // given: 300 records (every tenth 5 KiB, longer than a chunk), the first 100 in the stores
        Path dir = Files.createTempDirectory("wal");
        long checkpoint;
        try (WriteAheadLog wal = new WriteAheadLog(dir, CHUNK)) {
            List<WriteAheadLog.Entry> entries = new ArrayList<>();
            for (int i = 0; i < 300; i += 50) entries.addAll(wal.append(lines(i, i + 50)));
            checkpoint = entries.get(99).end();
            wal.checkpoint(checkpoint);
        }
        long size = Files.size(dir.resolve("memory.wal"));
        assertThat(size).isGreaterThan(30L * CHUNK);

        // when: the log is opened again
        try (WriteAheadLog wal = new WriteAheadLog(dir, CHUNK)) {
            WriteAheadLog.Replay replay = wal.replay();
            assertThat(replay.records()).isEqualTo(200);
            assertThat(replay.bytes()).isEqualTo(size - checkpoint);
            List<WriteAheadLog.Entry> replayed = replayAll(replay);

            // then: every record past the checkpoint, in order, none skipped
            System.out.printf(
                    "WAL replay: %d records of %d bytes read in chunks of %d bytes, %d skipped%n",
                    replayed.size(), size - checkpoint, CHUNK, replay.skippedRecords());
            assertThat(numbers(replayed)).isEqualTo(range(100, 300));
            assertThat(replayed.stream().mapToLong(WriteAheadLog.Entry::bytes).sum())
                    .isEqualTo(size - checkpoint);
            assertThat(replayed.get(replayed.size() - 1).end()).isEqualTo(size);
            assertThat(replay.skippedRecords()).isZero();
            assertThat(replay.records()).isZero();
            assertThat(replay.bytes()).isZero();
        }
    }

    @Test
    void aTornLastRecordIsSkippedCountedAndKeptAsideAndEveryRecordBeforeItIsKept() throws Exception {
        // given: 20 records, and a crash half-way through appending the 21st
        Path dir = Files.createTempDirectory("wal");
        try (WriteAheadLog wal = new WriteAheadLog(dir, CHUNK)) {
            wal.append(lines(0, 20));
        }
        long whole = Files.size(dir.resolve("memory.wal"));
        byte[] line = WriteAheadLog.line(note(20, 3000)).bytes();
        byte[] torn = Arrays.copyOf(line, line.length / 2);
        Files.write(dir.resolve("memory.wal"), torn, StandardOpenOption.APPEND);

        // when
        try (WriteAheadLog wal = new WriteAheadLog(dir, CHUNK)) {
            WriteAheadLog.Replay replay = wal.replay();

            // then: the 20 are replayed, the torn one is counted with its bytes and kept aside
            System.out.printf(
                    "WAL torn tail: %d records kept, %d skipped (%d bytes)%n",
                    replay.records(), replay.skippedRecords(), replay.skippedBytes());
            assertThat(replay.records()).isEqualTo(20);
            assertThat(replay.skippedRecords()).isEqualTo(1);
            assertThat(replay.skippedBytes()).isEqualTo(torn.length);
            assertThat(numbers(replayAll(replay))).isEqualTo(range(0, 20));
            assertThat(Files.size(dir.resolve("memory.wal"))).isEqualTo(whole);
            assertThat(Files.readString(dir.resolve("memory.wal.skipped")))
                    .isEqualTo(new String(torn, StandardCharsets.UTF_8) + "\n");
            // and: what is appended next is a record of its own
            wal.append(lines(21, 22));
        }
        try (WriteAheadLog wal = new WriteAheadLog(dir, CHUNK)) {
            assertThat(numbers(replayAll(wal.replay()))).isEqualTo(with(range(0, 20), 21));
            assertThat(wal.replay().skippedRecords()).isZero();
        }
    }

    static List<Object> with(List<Object> list, Object more) {
        List<Object> out = new ArrayList<>(list);
        out.add(more);
        return out;
    }

    @Test
    void aDamagedRecordIsSkippedAndTheRecordsAfterItAreKept() throws Exception {
        // given: 5 records, a damaged line, a torn record with the next one glued behind it, 5 records
        Path dir = Files.createTempDirectory("wal");
        Path log = dir.resolve("memory.wal");
        try (WriteAheadLog wal = new WriteAheadLog(dir, CHUNK)) {
            wal.append(lines(0, 5));
        }
        byte[] damaged = "{\"id\":\"x\",\"kind\":\u0000\u0000\u0000\n".getBytes(StandardCharsets.UTF_8);
        byte[] torn = Arrays.copyOf(WriteAheadLog.line(note(5, 200)).bytes(), 120);
        Files.write(log, damaged, StandardOpenOption.APPEND);
        Files.write(log, torn, StandardOpenOption.APPEND);
        Files.write(log, WriteAheadLog.line(note(6, 200)).bytes(), StandardOpenOption.APPEND);
        try (WriteAheadLog wal = new WriteAheadLog(dir, CHUNK)) {
            wal.replay(); // read nothing: the writer of this log
            wal.append(lines(7, 12));
        }

        // when
        try (WriteAheadLog wal = new WriteAheadLog(dir, CHUNK)) {
            WriteAheadLog.Replay replay = wal.replay();
            List<WriteAheadLog.Entry> replayed = replayAll(replay);

            // then: 11 records, the damaged line and the torn record counted with their bytes
            System.out.printf(
                    "WAL damage: %d records kept, %d skipped (%d bytes)%n",
                    replayed.size(), replay.skippedRecords(), replay.skippedBytes());
            List<Object> expected = range(0, 5);
            expected.addAll(range(6, 12));
            assertThat(numbers(replayed)).isEqualTo(expected);
            assertThat(replay.skippedRecords()).isEqualTo(2);
            assertThat(replay.skippedBytes()).isEqualTo(damaged.length + torn.length);
        }
    }

    @Test
    void aLastRecordMissingOnlyItsLineEndIsKept() throws Exception {
        // given
        Path dir = Files.createTempDirectory("wal");
        byte[] line = WriteAheadLog.line(note(0, 10)).bytes();
        Files.write(dir.resolve("memory.wal"), Arrays.copyOf(line, line.length - 1));

        // when
        try (WriteAheadLog wal = new WriteAheadLog(dir, CHUNK)) {
            // then
            assertThat(wal.replay().records()).isEqualTo(1);
            assertThat(numbers(replayAll(wal.replay()))).isEqualTo(range(0, 1));
            assertThat(wal.replay().skippedRecords()).isZero();
        }
    }
}
