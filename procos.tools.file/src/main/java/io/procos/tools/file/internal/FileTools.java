package io.procos.tools.file.internal;

import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolContext;
import io.procos.api.tool.ToolReach;
import io.procos.api.tool.ToolResult;
import io.procos.api.tool.Workspace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
                shown = workspace.relative(workspace.resolve(path));
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

    /** file.write: writes (or appends) text or base64 content; whole writes are atomic. */
    // writing needs no read: the tool returns only the size it wrote
    @Component(service = Tool.class, property = ToolReach.PROPERTY + "=" + ToolReach.WRITES_WORKSPACE)
    public static final class Write implements Tool {
        private final Workspace workspace;
        private final long maxBytes;

        @Activate
        public Write(@Reference FileWorkspace files) {
            this(files.workspace(), files.config().maxWriteBytes());
        }

        Write(Workspace workspace, long maxBytes) {
            this.workspace = workspace;
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
        public ToolResult invoke(Map<String, Object> input, ToolContext context) throws IOException {
            String path = string(input, "path", null);
            String shown;
            try {
                shown = workspace.relative(workspace.resolve(path));
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
            long size;
            try {
                beforeUse();
                size = workspace.write(path, bytes, flag(input, "append", false));
            } catch (Workspace.Refused e) {
                return ToolResult.error(e.getMessage());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("path", shown);
            out.put("bytesWritten", bytes.length);
            out.put("size", size);
            return ToolResult.ok(out, "wrote " + bytes.length + " bytes to " + shown);
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
                workspace.resolve(path);
                beforeUse();
                listing = workspace.list(path, flag(input, "recursive", false), maxEntries);
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
    }
}
