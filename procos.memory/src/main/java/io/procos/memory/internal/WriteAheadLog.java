package io.procos.memory.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.procos.api.memory.MemoryItem;
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
import java.util.List;

/**
 * Every accepted memory item, appended as one JSON line before {@code remember} returns, and a
 * checkpoint: the offset up to which the long-term stores have everything. On start, what lies past
 * the checkpoint is written again (the writes are idempotent, by item id). When everything is written
 * the file starts over. A ProcOS crash or restart loses nothing accepted; the file is forced to disk
 * once per batch, so a crash of the whole machine can lose the last batch's worth.
 */
final class WriteAheadLog implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** An item and where its line ends in the log. */
    record Entry(MemoryItem item, long end) {}

    private final Path log;
    private final Path checkpointFile;
    private final FileChannel channel;
    private long checkpoint;

    WriteAheadLog(Path dir) throws IOException {
        Files.createDirectories(dir);
        this.log = dir.resolve("memory.wal");
        this.checkpointFile = dir.resolve("memory.wal.checkpoint");
        this.channel =
                FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.checkpoint = Files.isRegularFile(checkpointFile)
                ? Long.parseLong(Files.readString(checkpointFile).strip())
                : 0;
        if (checkpoint > channel.size()) checkpoint = 0;
    }

    /** The items accepted but not yet checkpointed, in order; a torn last line (a crash mid-write) is dropped. */
    synchronized List<Entry> pending() throws IOException {
        List<Entry> out = new ArrayList<>();
        long size = channel.size();
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, size - checkpoint));
        channel.read(buffer, checkpoint);
        byte[] bytes = buffer.array();
        int start = 0;
        for (int i = 0; i < buffer.position(); i++) {
            if (bytes[i] != '\n') continue;
            String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
            try {
                out.add(new Entry(JSON.readValue(line, MemoryItem.class), checkpoint + i + 1));
            } catch (IOException e) {
                // a line that cannot be read was never acknowledged whole; skip it
            }
            start = i + 1;
        }
        channel.truncate(checkpoint + start); // the torn tail, if any
        channel.position(channel.size());
        return out;
    }

    synchronized List<Entry> append(List<MemoryItem> items) {
        try {
            List<Entry> out = new ArrayList<>(items.size());
            StringBuilder lines = new StringBuilder();
            long position = channel.size();
            for (MemoryItem item : items) {
                byte[] line = (JSON.writeValueAsString(item) + "\n").getBytes(StandardCharsets.UTF_8);
                position += line.length;
                lines.append(new String(line, StandardCharsets.UTF_8));
                out.add(new Entry(item, position));
            }
            ByteBuffer buffer = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) channel.write(buffer, channel.size());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the memory log " + log, e);
        }
    }

    /** Everything up to {@code end} is in the stores. Starts the file over when nothing is left after it. */
    synchronized void checkpoint(long end) throws IOException {
        channel.force(false);
        if (end >= channel.size()) {
            channel.truncate(0);
            end = 0;
        }
        checkpoint = end;
        Path part = checkpointFile.resolveSibling(checkpointFile.getFileName() + ".part");
        Files.writeString(part, Long.toString(end));
        Files.move(part, checkpointFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Offsets written before a restart of the file are meaningless: entries ending past the size are done. */
    synchronized long size() throws IOException {
        return channel.size();
    }

    @Override
    public synchronized void close() throws IOException {
        channel.force(false);
        channel.close();
    }
}
