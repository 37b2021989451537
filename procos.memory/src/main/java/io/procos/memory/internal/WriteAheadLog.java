package io.procos.memory.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.procos.api.memory.MemoryItem;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every accepted memory item, appended as one JSON line before {@code remember} returns, and a
 * checkpoint: the offset up to which the long-term stores have everything. On start, what lies past
 * the checkpoint is written again (the writes are idempotent, by item id), read a chunk at a time
 * however large the log is. When everything is written the file starts over. A ProcOS crash or
 * restart loses nothing accepted; the file is forced to disk once per batch, so a crash of the whole
 * machine can lose the last batch's worth.
 *
 * <p>A line that cannot be read (torn by a crash mid-append, or damaged) is reported with its offset
 * and size, copied to {@code memory.wal.skipped} and passed over: the line end is the record
 * boundary (JSON escapes line ends inside values), so every readable record before and after it is
 * kept.
 */
final class WriteAheadLog implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private static final Logger LOG = LoggerFactory.getLogger(WriteAheadLog.class);
    /** A line is one item or it is not a record: bytes after the item mean two records were glued. */
    private static final ObjectReader ITEM =
            JSON.readerFor(MemoryItem.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** How every record begins (Jackson writes a record's components in order, the id first). */
    private static final byte[] RECORD_START = "{\"id\":".getBytes(StandardCharsets.UTF_8);
    /** Where, in a line that cannot be read, a record glued behind a torn one is looked for at most. */
    private static final int RESYNC_ATTEMPTS = 100;
    /** The largest line kept in memory to be read; a longer one can only be damage. */
    private static final int MAX_LINE = Integer.MAX_VALUE - 16;

    static final int CHUNK = 1 << 20;

    /** An item and where its line ends in the log; {@code bytes} is its line's length. */
    record Entry(MemoryItem item, long end, int bytes) {}

    /** An item as its line in the log; the line's length is what the item weighs in memory's bounds. */
    record Line(MemoryItem item, byte[] bytes) {}

    /**
     * Records read by one {@link Replay#next} call: {@code lines} lines and {@code bytes} bytes of the
     * log consumed (readable or not), up to the offset {@code end}.
     */
    record Chunk(List<Entry> entries, long lines, long bytes, long end) {}

    private final Path log;
    private final Path checkpointFile;
    private final Path skippedFile;
    private final FileChannel channel;
    private final int chunkBytes;
    private final Replay replay;
    private long checkpoint;

    WriteAheadLog(Path dir) throws IOException {
        this(dir, CHUNK);
    }

    /** {@code chunkBytes}: how much of the log one read takes (tests make it small). */
    WriteAheadLog(Path dir, int chunkBytes) throws IOException {
        if (chunkBytes < 1) throw new IllegalArgumentException("chunkBytes must be at least 1, not " + chunkBytes);
        Files.createDirectories(dir);
        this.log = dir.resolve("memory.wal");
        this.checkpointFile = dir.resolve("memory.wal.checkpoint");
        this.skippedFile = dir.resolve("memory.wal.skipped");
        this.chunkBytes = chunkBytes;
        this.channel =
                FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.checkpoint = readCheckpoint();
        this.replay = recover();
    }

    /** A checkpoint that cannot be believed means writing everything again: writes are idempotent. */
    private long readCheckpoint() throws IOException {
        if (!Files.isRegularFile(checkpointFile)) return 0;
        String text = Files.readString(checkpointFile).strip();
        try {
            long at = Long.parseLong(text);
            if (at >= 0 && at <= channel.size()) return at;
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.warn(
                "Memory log {}: the checkpoint \"{}\" does not fit the log; the whole log is written again", log, text);
        return 0;
    }

    /** An item as the line the log will hold; a property no JSON can hold is the caller's mistake. */
    static Line line(MemoryItem item) {
        try {
            byte[] json = JSON.writeValueAsBytes(item);
            byte[] line = Arrays.copyOf(json, json.length + 1);
            line[json.length] = '\n';
            return new Line(item, line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "memory keeps plain property values (text, numbers, booleans, lists, maps), and this one is not: "
                            + e.getOriginalMessage());
        }
    }

    /**
     * Counts the lines past the checkpoint and mends the tail: a last line without its line end is a
     * record torn by a crash mid-append. It is kept when it is whole all the same, else skipped; either
     * way the log ends with a line end before anything more is appended.
     */
    private Replay recover() throws IOException {
        long size = channel.size();
        long lines = 0;
        long lastLineEnd = checkpoint; // the offset after the last line end
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(1, Math.min(chunkBytes, size - checkpoint)));
        for (long position = checkpoint; position < size; ) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), size - position));
            int n = read(buffer, position);
            byte[] bytes = buffer.array();
            for (int i = 0; i < n; i++) {
                if (bytes[i] != '\n') continue;
                lines++;
                lastLineEnd = position + i + 1;
            }
            position += n;
        }
        Replay replay = new Replay(checkpoint, lastLineEnd, lines);
        long tail = size - lastLineEnd;
        if (tail > 0) {
            byte[] torn = tail <= MAX_LINE ? readFully(lastLineEnd, (int) tail) : null;
            Parsed whole = torn == null ? null : parse(torn, torn.length, lastLineEnd);
            if (whole != null) { // the replay reports a torn record glued before it, if any
                channel.write(ByteBuffer.wrap(new byte[] {'\n'}), size);
                LOG.warn(
                        "Memory log {}: the last record lacked its line end (a crash mid-append) but can be read; kept",
                        log);
                replay = new Replay(checkpoint, size + 1, lines + 1);
            } else {
                if (torn != null) keepSkipped(torn, 0, torn.length);
                channel.truncate(lastLineEnd);
                replay.skippedRecords++;
                replay.skippedBytes += tail;
                LOG.warn(
                        "Memory log {}: the last record is torn (a crash mid-append): {} bytes at offset {} skipped{}; "
                                + "the {} records before it are kept",
                        log,
                        tail,
                        lastLineEnd,
                        torn != null ? ", copied to " + skippedFile : "",
                        lines);
            }
        }
        channel.position(channel.size());
        return replay;
    }

    /** What lay past the checkpoint when the log was opened, to be written again; read once, in order. */
    Replay replay() {
        return replay;
    }

    /**
     * The log past the checkpoint as it was at start, read in chunks by the one thread that writes to
     * the stores. New appends go after its end.
     */
    final class Replay {
        private final long end;
        private long next;
        private long lines;
        private long replayed;
        private long skippedRecords;
        private long skippedBytes;
        private ByteBuffer buffer;

        private Replay(long start, long end, long lines) {
            this.next = start;
            this.end = end;
            this.lines = lines;
        }

        /** Lines not read yet (each a record, unless it turns out unreadable). */
        long records() {
            return lines;
        }

        /** Bytes not read yet. */
        long bytes() {
            return end - next;
        }

        boolean done() {
            return next >= end;
        }

        long skippedRecords() {
            return skippedRecords;
        }

        long skippedBytes() {
            return skippedBytes;
        }

        /**
         * The next records in order: at most {@code maxRecords}, and no more once they reach {@code
         * maxBytes} (at least one record, whatever its size). Unreadable lines are reported and passed.
         */
        Chunk next(int maxRecords, long maxBytes) throws IOException {
            List<Entry> out = new ArrayList<>();
            if (done()) return new Chunk(out, 0, 0, next);
            if (buffer == null) buffer = ByteBuffer.allocate((int) Math.min(chunkBytes, end - next));
            byte[] line = new byte[Math.min(chunkBytes, 8192)];
            int length = 0;
            boolean overlong = false;
            long lineStart = next;
            long consumedLines = 0;
            long entryBytes = 0;
            long position = next;
            reading:
            while (position < end) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int n = read(buffer, position);
                byte[] bytes = buffer.array();
                int from = 0;
                for (int i = 0; i < n; i++) {
                    if (bytes[i] != '\n') continue;
                    int count = i - from;
                    if (!overlong && length + (long) count > MAX_LINE) overlong = true;
                    if (!overlong) {
                        line = append(line, length, bytes, from, count);
                        length += count;
                    }
                    long lineEnd = position + i + 1;
                    Parsed parsed = overlong ? null : parse(line, length, lineStart);
                    if (parsed == null) {
                        skip(line, overlong ? 0 : length, lineStart, lineEnd - lineStart, "it cannot be read");
                    } else {
                        if (parsed.skipped() > 0)
                            skip(line, parsed.skipped(), lineStart, parsed.skipped(), "a torn record before another");
                        int bytesOfEntry = (int) (lineEnd - lineStart - parsed.skipped());
                        out.add(new Entry(parsed.item(), lineEnd, bytesOfEntry));
                        entryBytes += bytesOfEntry;
                    }
                    consumedLines++;
                    lineStart = lineEnd;
                    length = 0;
                    overlong = false;
                    from = i + 1;
                    if (out.size() >= maxRecords || entryBytes >= maxBytes) break reading;
                }
                int rest = n - from;
                if (!overlong && length + (long) rest > MAX_LINE) overlong = true;
                if (!overlong) {
                    line = append(line, length, bytes, from, rest);
                    length += rest;
                }
                position += n;
            }
            Chunk chunk = new Chunk(out, consumedLines, lineStart - next, lineStart);
            next = lineStart;
            lines -= consumedLines;
            replayed += out.size();
            if (done() && skippedRecords > 0)
                LOG.warn(
                        "Memory log {} replayed: {} records written again, {} skipped ({} bytes, copied to {})",
                        log,
                        replayed,
                        skippedRecords,
                        skippedBytes,
                        skippedFile);
            else if (done()) LOG.info("Memory log {} replayed: {} records written again", log, replayed);
            return chunk;
        }

        private void skip(byte[] line, int kept, long offset, long bytes, String why) throws IOException {
            skippedRecords++;
            skippedBytes += bytes;
            if (kept > 0) keepSkipped(line, 0, kept);
            LOG.warn(
                    "Memory log {}: the record at offset {} ({} bytes) is skipped, {}{}; the records after it are kept",
                    log,
                    offset,
                    bytes,
                    why,
                    kept > 0 ? " (copied to " + skippedFile + ")" : " (too long to copy)");
        }
    }

    /** An item read from a line, after {@code skipped} bytes of a torn record glued before it. */
    private record Parsed(MemoryItem item, int skipped) {}

    /**
     * The item a line holds, or null. A line that is not one item may be a torn record with the next
     * append glued behind it (an append after a failed one, or zeros a machine crash left): the
     * record is then found at a later record start.
     */
    private static Parsed parse(byte[] line, int length, long offset) {
        try {
            return new Parsed(ITEM.readValue(line, 0, length), 0);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Memory log: the line at offset {} is not one item: {}", offset, e.getMessage());
        }
        int attempts = 0;
        for (int at = indexOf(line, length, 1);
                at > 0 && attempts++ < RESYNC_ATTEMPTS;
                at = indexOf(line, length, at + 1)) {
            try {
                return new Parsed(ITEM.readValue(line, at, length - at), at);
            } catch (IOException | RuntimeException e) {
                // not the start of a whole record: look further
            }
        }
        return null;
    }

    private static int indexOf(byte[] line, int length, int from) {
        outer:
        for (int i = from; i <= length - RECORD_START.length; i++) {
            for (int j = 0; j < RECORD_START.length; j++) if (line[i + j] != RECORD_START[j]) continue outer;
            return i;
        }
        return -1;
    }

    private static byte[] append(byte[] line, int length, byte[] bytes, int from, int n) {
        if (length + n > line.length)
            line = Arrays.copyOf(line, (int) Math.min(MAX_LINE, Math.max((long) length + n, 2L * line.length)));
        System.arraycopy(bytes, from, line, length, n);
        return line;
    }

    private int read(ByteBuffer buffer, long position) throws IOException {
        int n = 0;
        while (buffer.hasRemaining()) {
            int r = channel.read(buffer, position + n);
            if (r < 0) throw new EOFException("the memory log " + log + " ended at " + (position + n) + " while read");
            n += r;
        }
        return n;
    }

    private byte[] readFully(long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        read(buffer, position);
        return buffer.array();
    }

    /** Unreadable bytes are kept aside, not destroyed: a person may yet recover what they held. */
    private void keepSkipped(byte[] bytes, int from, int length) throws IOException {
        try (FileChannel out = FileChannel.open(
                skippedFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes, from, length);
            while (buffer.hasRemaining()) out.write(buffer);
            out.write(ByteBuffer.wrap(new byte[] {'\n'}));
        }
    }

    /**
     * Appends the lines in one write. When the write fails the log is cut back to where it was, so a
     * half-written line is never glued to the next append; the items are then not accepted.
     */
    synchronized List<Entry> append(List<Line> lines) {
        long start;
        try {
            start = channel.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the memory log " + log + ": " + e.getMessage(), e);
        }
        try {
            List<Entry> out = new ArrayList<>(lines.size());
            ByteBuffer[] buffers = new ByteBuffer[lines.size()];
            long position = start;
            for (int i = 0; i < lines.size(); i++) {
                Line line = lines.get(i);
                position += line.bytes().length;
                buffers[i] = ByteBuffer.wrap(line.bytes());
                out.add(new Entry(line.item(), position, line.bytes().length));
            }
            channel.position(start);
            while (channel.position() < position) channel.write(buffers);
            return out;
        } catch (IOException e) {
            try {
                channel.truncate(start);
                channel.position(start);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw new UncheckedIOException(
                    "cannot write to the memory log " + log + " (" + e.getMessage() + "); these items are not accepted",
                    e);
        }
    }

    /** Everything up to {@code end} is in the stores. Starts the file over when nothing is left after it. */
    synchronized void checkpoint(long end) throws IOException {
        channel.force(false);
        if (end >= channel.size()) {
            channel.truncate(0);
            channel.position(0);
            end = 0;
        }
        checkpoint = end;
        Path part = checkpointFile.resolveSibling(checkpointFile.getFileName() + ".part");
        Files.writeString(part, Long.toString(end));
        Files.move(part, checkpointFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    synchronized long size() throws IOException {
        return channel.size();
    }

    @Override
    public synchronized void close() throws IOException {
        channel.force(false);
        channel.close();
    }
}
