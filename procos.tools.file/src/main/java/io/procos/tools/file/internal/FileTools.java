package io.procos.tools.file.internal;

import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolContext;
import io.procos.api.tool.ToolReach;
import io.procos.api.tool.ToolResult;
import io.procos.api.tool.Workspace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The three file tools. Each is a {@link Tool} component; they share the {@link Workspace} of the configured
 * {@link FileWorkspace}. A path is checked with {@link Workspace#resolve} (for its message) but opened only
 * through the workspace's operations that never follow a link, so a link swapped in after the check leads nowhere.
 */
final class FileTools {

    /** Tests only: runs after a task's path passed the check and before the file is opened. */
    static volatile Runnable betweenCheckAndUse;

    private FileTools() {}

    private static void beforeUse() {
        Runnable hook = betweenCheckAndUse;
        if (hook != null) hook.run();
    }

    static String string(Map<String, Object> input, String key, String fallback) {
        Object v = input.get(key);
        return v == null ? fallback : v.toString();
    }

    /** The refusal of a path in the call ledger's folder, or null for any other path. */
    static ToolResult ledgerRefused(Workspace workspace, Path resolved) {
        if (!CallLedger.holds(workspace, resolved)) return null;
        return ToolResult.error("'" + workspace.relative(resolved) + "' is inside " + CallLedger.FOLDER
                + ", where ProcOS records the tool calls it made in this workspace; the file tools neither read, "
                + "write nor list it: use a path outside " + CallLedger.FOLDER);
    }

    static boolean flag(Map<String, Object> input, String key, boolean fallback) {
        Object v = input.get(key);
        return v == null ? fallback : v instanceof Boolean b ? b : Boolean.parseBoolean(v.toString());
    }

    /** file.read: a file's content as text (UTF-8) or base64. */
    @Component(service = Tool.class, property = ToolReach.PROPERTY + "=" + ToolReach.READS_WORKSPACE)
    public static final class Read implements Tool {
        private final Workspace workspace;
        private final long maxBytes;

        @Activate
        public Read(@Reference FileWorkspace files) {
            this(files.workspace(), files.config().maxReadBytes());
        }

        Read(Workspace workspace, long maxBytes) {
            this.workspace = workspace;
            this.maxBytes = maxBytes;
        }

        @Override
        public String name() {
            return "file.read";
        }

        @Override
        public String description() {
            return "Reads a file from the ProcOS workspace and returns what it contains (UTF-8 text, or base64 for binary files). "
                    + "Use it to open, load, read or look at a document, log, contract, data file or notes, to see what a file says.";
        }

        @Override
        public String inputSchema() {
            return """
                {"type":"object","required":["path"],"additionalProperties":false,"properties":{
                  "path":{"type":"string","description":"path of the file, relative to the workspace"},
                  "encoding":{"type":"string","enum":["utf-8","base64"],"default":"utf-8"}}}""";
        }

        @Override
        public ToolResult invoke(Map<String, Object> input, ToolContext context) throws IOException {
            String path = string(input, "path", null);
            String shown;
            byte[] bytes;
            try {
                Path resolved = workspace.resolve(path);
                ToolResult ledger = ledgerRefused(workspace, resolved);
                if (ledger != null) return ledger;
                shown = workspace.relative(resolved);
                beforeUse();
                bytes = workspace.read(path, maxBytes);
            } catch (Workspace.Refused e) {
                return ToolResult.error(e.getMessage());
            }
            boolean base64 = "base64".equals(string(input, "encoding", "utf-8"));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("path", shown);
            out.put("size", (long) bytes.length);
            out.put("encoding", base64 ? "base64" : "utf-8");
            out.put(
                    "content",
                    base64 ? Base64.getEncoder().encodeToString(bytes) : new String(bytes, StandardCharsets.UTF_8));
            return ToolResult.ok(out, "read " + bytes.length + " bytes from " + shown);
        }
    }

    /**
     * file.write: writes (or appends) text or base64 content; whole writes are atomic. Each call is recorded by its
     * idempotency key in the {@link CallLedger}, so that a call made again after a crash writes once and answers the
     * first call's result.
     */
    // writing needs no read: the tool returns only the size it wrote
    @Component(service = Tool.class, property = ToolReach.PROPERTY + "=" + ToolReach.WRITES_WORKSPACE)
    public static final class Write implements Tool {
        private final Workspace workspace;
        private final CallLedger ledger;
        private final long maxBytes;

        @Activate
        public Write(@Reference FileWorkspace files) {
            this(files.workspace(), files.ledger(), files.config().maxWriteBytes());
        }

        Write(Workspace workspace, long maxBytes) {
            this(workspace, new CallLedger(workspace, Duration.ofDays(7)), maxBytes);
        }

        Write(Workspace workspace, CallLedger ledger, long maxBytes) {
            this.workspace = workspace;
            this.ledger = ledger;
            this.maxBytes = maxBytes;
        }

        @Override
        public String name() {
            return "file.write";
        }

        @Override
        public String description() {
            return "Writes text (or base64 bytes) to a file in the ProcOS workspace, creating folders as needed; can append. "
                    + "Use it to save a document, a report, notes or data a task produced.";
        }

        @Override
        public String inputSchema() {
            return """
                {"type":"object","required":["path","content"],"additionalProperties":false,"properties":{
                  "path":{"type":"string","description":"path of the file, relative to the workspace"},
                  "content":{"type":"string","description":"what to write"},
                  "encoding":{"type":"string","enum":["utf-8","base64"],"default":"utf-8"},
                  "append":{"type":"boolean","default":false}}}""";
        }

        @Override
        public String outputSchema() {
            return """
                {"type":"object","properties":{"path":{"type":"string"},"bytesWritten":{"type":"integer"},
                  "size":{"type":"integer"},
                  "repeated":{"type":"boolean","description":"an earlier call with this call's key wrote it; not written again"}}}""";
        }

        @Override
        public ToolResult invoke(Map<String, Object> input, ToolContext context) throws IOException {
            String path = string(input, "path", null);
            String shown;
            try {
                Path resolved = workspace.resolve(path);
                ToolResult refused = ledgerRefused(workspace, resolved);
                if (refused != null) return refused;
                shown = workspace.relative(resolved);
            } catch (Workspace.Refused e) {
                return ToolResult.error(e.getMessage());
            }
            Object content = input.get("content");
            if (content == null) return ToolResult.error("'content' is required: the text to write");
            byte[] bytes;
            try {
                bytes = "base64".equals(string(input, "encoding", "utf-8"))
                        ? Base64.getDecoder().decode(content.toString())
                        : content.toString().getBytes(StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return ToolResult.error("'content' is not valid base64: " + e.getMessage());
            }
            if (bytes.length > maxBytes)
                return ToolResult.error(
                        "the content has " + bytes.length + " bytes; file.write accepts at most " + maxBytes);
            boolean append = flag(input, "append", false);
            String key = context == null ? null : context.taskId();
            try {
                if (key == null || key.isBlank()) { // no key (a test, a caller of its own): nothing to repeat
                    beforeUse();
                    return written(shown, bytes.length, workspace.write(path, bytes, append), "");
                }
                synchronized (ledger.lockFor(key)) {
                    return once(key, path, shown, bytes, append);
                }
            } catch (Workspace.Refused e) {
                return ToolResult.error(e.getMessage());
            }
        }

        /**
         * The write of a call with a key, once: a call recorded as done answers its result; an append recorded only
         * as an intent (ProcOS stopped between the intent and its end) is applied unless the file shows it was.
         */
        private ToolResult once(String key, String path, String shown, byte[] bytes, boolean append)
                throws IOException, Workspace.Refused {
            ledger.pruneNowAndThen();
            String digest = CallLedger.sha256(bytes);
            CallLedger.Entry earlier;
            try {
                earlier = ledger.find(key);
            } catch (IOException e) {
                return ledgerBroken(e);
            }
            boolean same = earlier != null && earlier.sameWrite(shown, append, digest, bytes.length);
            if (same && earlier.done()) return repeated(earlier);
            String note = earlier != null && !same
                    ? " (this call's key was used before for another write, which stays as it was)"
                    : "";
            if (!append) { // a whole write is safe to make again: it is recorded once done
                beforeUse();
                long size = workspace.write(path, bytes, false);
                return recorded(
                        new CallLedger.Entry(key, shown, false, digest, -1, bytes.length, false, -1, null), size, note);
            }
            long before = sizeOf(path);
            if (same) { // an intent: the call was interrupted; the file's size tells whether its append happened
                if (before == earlier.sizeBefore() + earlier.length()) {
                    ToolResult result = recorded(earlier, before, "");
                    return repeated(earlier.finished(before, result.text()));
                }
                if (before != earlier.sizeBefore()) {
                    note = " (an earlier call with this key was interrupted; the file had " + earlier.sizeBefore()
                            + " bytes then and " + before + " now, so it changed otherwise and whether that call "
                            + "appended is unknown: appended now; check " + shown + " for the content twice)";
                }
            }
            CallLedger.Entry intent =
                    new CallLedger.Entry(key, shown, true, digest, before, bytes.length, false, -1, null);
            try {
                ledger.record(intent);
            } catch (IOException e) {
                return ledgerBroken(e);
            }
            beforeUse();
            long size = workspace.write(path, bytes, true);
            return recorded(intent, size, note);
        }

        /** The result of a write that happened, recorded as done; a failed record leaves the intent, which suffices. */
        private ToolResult recorded(CallLedger.Entry entry, long size, String note) {
            ToolResult result = written(entry.path(), (int) entry.length(), size, note);
            try {
                ledger.record(entry.finished(size, result.text()));
            } catch (IOException | Workspace.Refused e) {
                // the write happened and must not be reported as failed (a retry would write again): a call made
                // again finds the intent of an append and the file's size, and repeats a whole write harmlessly
            }
            return result;
        }

        /** The file's size, through an append of nothing: the same checks as the append itself, and no change. */
        private long sizeOf(String path) throws IOException, Workspace.Refused {
            return workspace.write(path, new byte[0], true);
        }

        private static ToolResult written(String shown, int length, long size, String note) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("path", shown);
            out.put("bytesWritten", length);
            out.put("size", size);
            return ToolResult.ok(out, "wrote " + length + " bytes to " + shown + note);
        }

        private static ToolResult repeated(CallLedger.Entry done) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("path", done.path());
            out.put("bytesWritten", (int) done.length());
            out.put("size", done.size());
            out.put("repeated", true);
            String text = done.text() == null ? "wrote " + done.length() + " bytes to " + done.path() : done.text();
            return ToolResult.ok(out, text + " (by an earlier call with this call's key; not written again)");
        }

        private static ToolResult ledgerBroken(IOException e) {
            return ToolResult.error("file.write keeps a record of its calls in " + CallLedger.FOLDER
                    + "/calls of the workspace, so that a call made again after a stop writes once, and that record "
                    + "cannot be used: " + e.getMessage() + ". Nothing was written.");
        }
    }

    /** file.list: the entries of a folder, optionally recursive, bounded. */
    @Component(service = Tool.class, property = ToolReach.PROPERTY + "=" + ToolReach.READS_WORKSPACE)
    public static final class ListFiles implements Tool {
        private final Workspace workspace;
        private final int maxEntries;

        @Activate
        public ListFiles(@Reference FileWorkspace files) {
            this(files.workspace(), files.config().maxListEntries());
        }

        ListFiles(Workspace workspace, int maxEntries) {
            this.workspace = workspace;
            this.maxEntries = maxEntries;
        }

        @Override
        public String name() {
            return "file.list";
        }

        @Override
        public String description() {
            return "Lists the files and folders in a folder of the ProcOS workspace (the whole workspace by default), "
                    + "with their sizes. Use it to find out which files exist in a folder; it does not show what is inside them.";
        }

        @Override
        public String inputSchema() {
            return """
                {"type":"object","additionalProperties":false,"properties":{
                  "path":{"type":"string","description":"folder relative to the workspace; empty for the workspace itself","default":""},
                  "recursive":{"type":"boolean","default":false}}}""";
        }

        @Override
        public ToolResult invoke(Map<String, Object> input, ToolContext context) throws IOException {
            String path = string(input, "path", "");
            Workspace.Listing listing;
            try {
                Path resolved = workspace.resolve(path);
                ToolResult refused = ledgerRefused(workspace, resolved);
                if (refused != null) return refused;
                beforeUse();
                boolean recursive = flag(input, "recursive", false);
                listing = resolved.equals(workspace.root())
                        ? listRoot(path, recursive)
                        : workspace.list(path, recursive, maxEntries);
            } catch (Workspace.Refused e) {
                return ToolResult.error(e.getMessage());
            }
            List<Map<String, Object>> entries = new ArrayList<>();
            for (Workspace.Entry entry : listing.entries()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("path", entry.path());
                e.put("type", entry.type().name().toLowerCase(Locale.ROOT)); // file, folder, link, other
                if (entry.type() == Workspace.Entry.Type.FILE) e.put("size", entry.size());
                entries.add(e);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("path", listing.path());
            out.put("entries", entries);
            out.put("truncated", listing.truncated());
            return ToolResult.ok(out, entries.size() + " entries in " + listing.path());
        }

        /**
         * The workspace root without the call ledger's folder: its entries, and each folder's listed on its own, so
         * that the ledger's many entries neither show nor count against the limit.
         */
        private Workspace.Listing listRoot(String path, boolean recursive) throws Workspace.Refused, IOException {
            Workspace.Listing top = workspace.list(path, false, maxEntries + 1);
            List<Workspace.Entry> entries = new ArrayList<>();
            boolean truncated = false;
            for (Workspace.Entry entry : top.entries()) {
                if (entry.path().equals(CallLedger.FOLDER)) continue;
                if (entries.size() >= maxEntries) {
                    truncated = true;
                    break;
                }
                entries.add(entry);
                if (!recursive || entry.type() != Workspace.Entry.Type.FOLDER) continue;
                Workspace.Listing below;
                try {
                    below = workspace.list(entry.path(), true, maxEntries - entries.size());
                } catch (Workspace.Refused changed) {
                    continue; // became a link or went away since it was listed: listed, not entered
                }
                entries.addAll(below.entries());
                if (below.truncated()) {
                    truncated = true;
                    break;
                }
            }
            return new Workspace.Listing(top.path(), entries, truncated || top.truncated());
        }
    }
}
