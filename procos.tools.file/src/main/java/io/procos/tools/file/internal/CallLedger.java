package io.procos.tools.file.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procos.api.tool.Workspace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What file.write did for each idempotency key ({@code ToolContext.taskId()}), so that a call made again after a
 * crash has its effect once: one small JSON file per key in {@value #FOLDER}/calls of the workspace, replaced
 * atomically, opened folder by folder without following a link (like {@link Workspace}'s own operations), and
 * removed some days later. The file tools refuse paths inside {@value #FOLDER} and file.list does not show it. In a
 * cluster the workspace, and so the ledger, is shared: a call made again on another node finds it too.
 */
final class CallLedger {

    /** The hidden folder at the workspace root that holds ProcOS's own files. */
    static final String FOLDER = ".procos";

    private static final String CALLS = "calls";
    private static final Duration PRUNE_EVERY = Duration.ofHours(1);
    private static final int MAX_ENTRY_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<OpenOption> READ = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    private static final Set<OpenOption> CREATE_NEW =
            Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS);

    /**
     * One call as recorded. An append is recorded twice: as an intent ({@code done} false, the file's size
     * before) before it writes, and done with its result after; a whole write, which is safe to repeat, only
     * once it is done.
     *
     * @param sizeBefore the file's size before an append; -1 for a whole write
     * @param size the file's size after the call; -1 while not done
     */
    record Entry(
            String key,
            String path,
            boolean append,
            String digest,
            long sizeBefore,
            long length,
            boolean done,
            long size,
            String text) {

        /** True when {@code other} asks for the same write: same path, mode and content. */
        boolean sameWrite(String path, boolean append, String digest, long length) {
            return this.path.equals(path)
                    && this.append == append
                    && this.digest.equals(digest)
                    && this.length == length;
        }

        Entry finished(long size, String text) {
            return new Entry(key, path, append, digest, sizeBefore, length, true, size, text);
        }
    }

    private final Workspace workspace;
    private final Duration keep;
    private final AtomicLong prunedAt = new AtomicLong();
    // calls with one key are made one after the other; striped, so that no lock per key has to be forgotten
    private final Object[] locks = new Object[64];

    CallLedger(Workspace workspace, Duration keep) {
        this.workspace = workspace;
        this.keep = keep;
        for (int i = 0; i < locks.length; i++) locks[i] = new Object();
    }

    /** True when a workspace path lies in the ledger's folder (or is it). */
    static boolean holds(Workspace workspace, Path resolved) {
        Path relative = workspace.root().relativize(resolved);
        return relative.getNameCount() > 0 && relative.getName(0).toString().equals(FOLDER);
    }

    Object lockFor(String key) {
        return locks[Math.floorMod(key.hashCode(), locks.length)];
    }

    /** The entry of a key, or null when none was recorded (or it was pruned). */
    Entry find(String key) throws IOException, Workspace.Refused {
        byte[] bytes;
        try (SecureDirectoryStream<Path> calls = open()) {
            bytes = read(calls, Path.of(name(key)));
        }
        if (bytes == null) return null;
        Map<?, ?> m;
        try {
            m = JSON.readValue(bytes, Map.class);
        } catch (JsonProcessingException e) {
            throw new IOException("the entry " + FOLDER + "/" + CALLS + "/" + name(key) + " is not valid JSON ("
                    + e.getOriginalMessage() + "); remove it to make the call anew");
        }
        if (!key.equals(m.get("key"))) return null; // another key with the same digest: not ours
        return new Entry(
                key,
                String.valueOf(m.get("path")),
                Boolean.TRUE.equals(m.get("append")),
                String.valueOf(m.get("digest")),
                number(m.get("sizeBefore")),
                number(m.get("length")),
                Boolean.TRUE.equals(m.get("done")),
                number(m.get("size")),
                m.get("text") == null ? null : m.get("text").toString());
    }

    /** Records an entry, replacing the key's earlier one atomically. */
    void record(Entry e) throws IOException, Workspace.Refused {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", e.key());
        m.put("path", e.path());
        m.put("append", e.append());
        m.put("digest", e.digest());
        m.put("sizeBefore", e.sizeBefore());
        m.put("length", e.length());
        m.put("done", e.done());
        m.put("size", e.size());
        m.put("text", e.text());
        m.put("at", Instant.now().toString());
        byte[] bytes = JSON.writeValueAsBytes(m);
        try (SecureDirectoryStream<Path> calls = open()) {
            Path temp = Path.of(".part-" + UUID.randomUUID());
            boolean moved = false;
            try {
                try (SeekableByteChannel out = calls.newByteChannel(temp, CREATE_NEW)) {
                    ByteBuffer buffer = ByteBuffer.wrap(bytes);
                    while (buffer.hasRemaining()) out.write(buffer);
                }
                // renameat: the entry is the old one or the new one, never half (a kill -9 keeps the page cache)
                calls.move(temp, calls, Path.of(name(e.key())));
                moved = true;
            } finally {
                if (!moved) deleteQuietly(calls, temp);
            }
        }
    }

    /**
     * Removes the entries (and leftover temporary files) older than the configured days, at most once an hour:
     * one listing of the folder, no entry read. Returns how many went; problems are left for the next time.
     */
    int pruneNowAndThen() {
        long now = System.currentTimeMillis();
        long last = prunedAt.get();
        if (now - last < PRUNE_EVERY.toMillis() || !prunedAt.compareAndSet(last, now)) return 0;
        return prune(Instant.ofEpochMilli(now).minus(keep));
    }

    /** Removes what was last written before {@code before}. */
    int prune(Instant before) {
        int removed = 0;
        try (SecureDirectoryStream<Path> calls = open()) {
            List<Path> names = new ArrayList<>();
            for (Path p : calls) names.add(p.getFileName());
            for (Path name : names) {
                try {
                    BasicFileAttributes a = calls.getFileAttributeView(
                                    name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                            .readAttributes();
                    if (a.isDirectory() || !a.lastModifiedTime().toInstant().isBefore(before)) continue;
                    calls.deleteFile(name); // a link is removed itself, never followed
                    removed++;
                } catch (IOException gone) {
                    // removed meanwhile (another node prunes the shared ledger too), or not removable: next time
                }
            }
        } catch (IOException | Workspace.Refused e) {
            // the ledger cannot be opened: the write that needs it says so
        }
        return removed;
    }

    /** A key's file name: its SHA-256, so that any key is a safe, short name. */
    static String name(String key) {
        return sha256(key.getBytes(StandardCharsets.UTF_8)) + ".json";
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /**
     * The folder {@value #FOLDER}/calls, opened from the workspace root one folder at a time without following a
     * link, made first if missing (by the workspace, which also never follows a link).
     */
    private SecureDirectoryStream<Path> open() throws IOException, Workspace.Refused {
        try {
            return openCalls();
        } catch (NoSuchFileException missing) {
            workspace.createDirectories(FOLDER + "/" + CALLS);
            return openCalls();
        }
    }

    private SecureDirectoryStream<Path> openCalls() throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(workspace.root());
        if (!(stream instanceof SecureDirectoryStream<Path> root)) {
            stream.close();
            throw new IOException("the workspace cannot open files without following symbolic links on this system ("
                    + System.getProperty("os.name") + " has no SecureDirectoryStream): run ProcOS on Linux");
        }
        try (root) {
            try (SecureDirectoryStream<Path> procos = openFolder(root, FOLDER)) {
                return openFolder(procos, CALLS);
            }
        }
    }

    private static SecureDirectoryStream<Path> openFolder(SecureDirectoryStream<Path> parent, String name)
            throws IOException {
        try {
            return parent.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (FileSystemException e) { // a link or a file where the folder should be
            throw new IOException(FOLDER + (name.equals(FOLDER) ? "" : "/" + name)
                    + " in the workspace is not a folder (a symbolic link or a file?): ProcOS keeps its record of "
                    + "tool calls there; move it away");
        }
    }

    private static byte[] read(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        try (SeekableByteChannel in = dir.newByteChannel(name, READ)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (in.read(buffer) >= 0) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
                if (out.size() > MAX_ENTRY_BYTES)
                    throw new IOException("the entry " + FOLDER + "/" + CALLS + "/" + name + " is larger than any "
                            + "ProcOS writes; remove it to make the call anew");
            }
            return out.toByteArray();
        } catch (NoSuchFileException e) {
            return null;
        } catch (FileSystemException e) { // ELOOP: a link where an entry should be
            throw new IOException("the entry " + FOLDER + "/" + CALLS + "/" + name + " cannot be read ("
                    + e.getMessage() + "); remove it to make the call anew");
        }
    }

    private static long number(Object v) {
        return v instanceof Number n ? n.longValue() : -1;
    }

    private static void deleteQuietly(SecureDirectoryStream<Path> dir, Path name) {
        try {
            dir.deleteFile(name);
        } catch (IOException e) {
            // a leftover .part file at worst; pruning removes it
        }
    }
}
