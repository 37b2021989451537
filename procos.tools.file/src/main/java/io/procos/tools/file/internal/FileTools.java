package io.procos.tools.file.internal;

import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolContext;
import io.procos.api.tool.ToolResult;
import io.procos.api.tool.Workspace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The three file tools. Each is a {@link Tool} service; they share one {@link Workspace}. */
final class FileTools {

    private FileTools() {}

    static String string(Map<String, Object> input, String key, String fallback) {
        Object v = input.get(key);
        return v == null ? fallback : v.toString();
    }

    static boolean flag(Map<String, Object> input, String key, boolean fallback) {
        Object v = input.get(key);
        return v == null ? fallback : v instanceof Boolean b ? b : Boolean.parseBoolean(v.toString());
    }

    /** file.read: a file's content as text (UTF-8) or base64. */
    static final class Read implements Tool {
        private final Workspace workspace;
        private final long maxBytes;

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
            Path file;
            try {
                file = workspace.resolve(string(input, "path", null));
            } catch (Workspace.Refused e) {
                return ToolResult.error(e.getMessage());
            }
            if (!Files.isRegularFile(file)) return ToolResult.error("no file '" + workspace.relative(file) + "' in the workspace");
            long size = Files.size(file);
            if (size > maxBytes) return ToolResult.error("'" + workspace.relative(file) + "' has " + size + " bytes; file.read returns at most " + maxBytes);
            byte[] bytes = Files.readAllBytes(file);
            boolean base64 = "base64".equals(string(input, "encoding", "utf-8"));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("path", workspace.relative(file));
            out.put("size", size);
            out.put("encoding", base64 ? "base64" : "utf-8");
            out.put("content", base64 ? Base64.getEncoder().encodeToString(bytes) : new String(bytes, StandardCharsets.UTF_8));
            return ToolResult.ok(out, "read " + size + " bytes from " + workspace.relative(file));
        }
    }

    /** file.write: writes (or appends) text or base64 content; whole writes are atomic. */
    static final class Write implements Tool {
        private final Workspace workspace;
        private final long maxBytes;

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
            Path file;
            try {
                file = workspace.resolve(string(input, "path", null));
            } catch (Workspace.Refused e) {
                return ToolResult.error(e.getMessage());
            }
            Object content = input.get("content");
            if (content == null) return ToolResult.error("'content' is required: the text to write");
            byte[] bytes;
            try {
                bytes = "base64".equals(string(input, "encoding", "utf-8"))
                        ? Base64.getDecoder().decode(content.toString()) : content.toString().getBytes(StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return ToolResult.error("'content' is not valid base64: " + e.getMessage());
            }
            if (bytes.length > maxBytes) return ToolResult.error("the content has " + bytes.length + " bytes; file.write accepts at most " + maxBytes);
            if (Files.isDirectory(file)) return ToolResult.error("'" + workspace.relative(file) + "' is a folder, not a file");
            Files.createDirectories(file.getParent());
            if (flag(input, "append", false)) {
                Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            } else {
                // readers never see half a file: write beside it, then move into place
                Path temp = Files.createTempFile(file.getParent(), ".procos-", ".part");
                try {
                    Files.write(temp, bytes);
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("path", workspace.relative(file));
            out.put("bytesWritten", bytes.length);
            out.put("size", Files.size(file));
            return ToolResult.ok(out, "wrote " + bytes.length + " bytes to " + workspace.relative(file));
        }
    }

    /** file.list: the entries of a folder, optionally recursive, bounded. */
    static final class ListFiles implements Tool {
        private final Workspace workspace;
        private final int maxEntries;

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
            Path dir;
            try {
                dir = workspace.resolve(string(input, "path", ""));
            } catch (Workspace.Refused e) {
                return ToolResult.error(e.getMessage());
            }
            if (!Files.isDirectory(dir)) return ToolResult.error("no folder '" + workspace.relative(dir) + "' in the workspace");
            List<Map<String, Object>> entries = new ArrayList<>();
            boolean truncated = false;
            try (Stream<Path> paths = flag(input, "recursive", false) ? Files.walk(dir).skip(1) : list(dir)) {
                for (Path p : (Iterable<Path>) paths.sorted()::iterator) {
                    if (entries.size() >= maxEntries) {
                        truncated = true;
                        break;
                    }
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("path", workspace.relative(p));
                    boolean link = Files.isSymbolicLink(p);
                    e.put("type", link ? "link" : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "folder" : "file");
                    if (!link && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) e.put("size", Files.size(p));
                    entries.add(e);
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("path", workspace.relative(dir));
            out.put("entries", entries);
            out.put("truncated", truncated);
            return ToolResult.ok(out, entries.size() + " entries in " + workspace.relative(dir));
        }

        private static Stream<Path> list(Path dir) throws IOException {
            List<Path> all = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                s.forEach(all::add);
            }
            return all.stream();
        }
    }
}
