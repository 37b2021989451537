package io.procos.tools.mcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one MCP session over a server's standard input and output: newline-delimited JSON-RPC 2.0
 * (MCP's stdio transport). Whatever the server writes is data: a line that is not a JSON-RPC message is logged and
 * skipped, a message longer than {@value #MAX_MESSAGE} bytes ends the session, and requests the server makes of the
 * client are answered {@code ping} or "method not found" (ProcOS offers no sampling, roots or elicitation).
 */
final class McpSession implements AutoCloseable {

    static final String PROTOCOL_VERSION = "2025-06-18";
    static final int MAX_MESSAGE = 8 * 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(McpSession.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A JSON-RPC error the server answered. */
    static final class RemoteError extends IOException {
        private static final long serialVersionUID = 1L;
        final int code;

        RemoteError(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    /** A tool as the server lists it. */
    record RemoteTool(String name, String description, String inputSchema, String outputSchema) {}

    private final String server;
    private final Process process;
    private final OutputStream out;
    private final Runnable toolsChanged;
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Deque<String> stderr = new ArrayDeque<>();
    private volatile String serverName = "";

    /**
     * @param toolsChanged run (on the session's reader thread) when the server says its tool list changed
     * @param onEnd run once when the server's output ends (it exited or closed it)
     */
    McpSession(String server, Process process, Runnable toolsChanged, Runnable onEnd) {
        this.server = server;
        this.process = process;
        this.out = process.getOutputStream();
        this.toolsChanged = toolsChanged;
        Thread reader = new Thread(() -> read(onEnd), "procos-mcp-" + server + "-out");
        reader.setDaemon(true);
        reader.start();
        Thread errors = new Thread(this::readErrors, "procos-mcp-" + server + "-err");
        errors.setDaemon(true);
        errors.start();
    }

    /** Opens the session: {@code initialize}, then {@code notifications/initialized}. */
    void initialize(Duration timeout) throws IOException {
        ObjectNode params = JSON.createObjectNode();
        params.put("protocolVersion", PROTOCOL_VERSION);
        params.putObject("capabilities");
        params.putObject("clientInfo").put("name", "ProcOS").put("version", "0.1.0");
        JsonNode result = request("initialize", params, timeout);
        if (!result.path("protocolVersion").isTextual())
            throw new IOException("the server's answer to initialize names no protocolVersion: " + abbreviate(result));
        serverName = result.path("serverInfo").path("name").asText("")
                + (result.path("serverInfo").has("version")
                        ? " " + result.path("serverInfo").path("version").asText()
                        : "");
        notify("notifications/initialized");
    }

    /** The server's own name and version, as it gave them in initialize. */
    String serverName() {
        return serverName;
    }

    /** Every tool the server lists now (all pages). */
    List<RemoteTool> listTools(Duration timeout) throws IOException {
        List<RemoteTool> tools = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 100; page++) {
            ObjectNode params = JSON.createObjectNode();
            if (cursor != null) params.put("cursor", cursor);
            JsonNode result = request("tools/list", params, timeout);
            for (JsonNode t : result.path("tools")) {
                if (!t.path("name").isTextual()) continue;
                JsonNode schema = t.path("inputSchema");
                tools.add(new RemoteTool(
                        t.path("name").asText(),
                        t.path("description").asText(t.path("title").asText("")),
                        schema.isObject() ? schema.toString() : "{\"type\":\"object\"}",
                        t.path("outputSchema").isObject()
                                ? t.path("outputSchema").toString()
                                : null));
            }
            cursor = result.path("nextCursor").isTextual()
                    ? result.path("nextCursor").asText()
                    : null;
            if (cursor == null) break;
        }
        return tools;
    }

    /** {@code tools/call}; the result as the server sent it. */
    JsonNode callTool(String name, Map<String, Object> arguments, Duration timeout) throws IOException {
        ObjectNode params = JSON.createObjectNode();
        params.put("name", name);
        params.set("arguments", JSON.valueToTree(arguments));
        return request("tools/call", params, timeout);
    }

    JsonNode request(String method, ObjectNode params, Duration timeout) throws IOException {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            ObjectNode message = JSON.createObjectNode();
            message.put("jsonrpc", "2.0");
            message.put("id", id);
            message.put("method", method);
            message.set("params", params);
            send(message);
            JsonNode response = answer.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            JsonNode error = response.get("error");
            if (error != null && !error.isNull())
                throw new RemoteError(
                        error.path("code").asInt(),
                        error.path("message")
                                .asText("error " + error.path("code").asInt()));
            return response.path("result");
        } catch (TimeoutException e) {
            notifyCancelled(id);
            throw new IOException(method + " got no answer within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + method);
        } finally {
            pending.remove(id);
        }
    }

    private void notifyCancelled(long id) {
        try {
            ObjectNode params = JSON.createObjectNode();
            params.put("requestId", id);
            params.put("reason", "ProcOS stopped waiting");
            ObjectNode message = JSON.createObjectNode();
            message.put("jsonrpc", "2.0");
            message.put("method", "notifications/cancelled");
            message.set("params", params);
            send(message);
        } catch (IOException ignored) {
            // the server is gone; nothing to cancel
        }
    }

    private void notify(String method) throws IOException {
        ObjectNode message = JSON.createObjectNode();
        message.put("jsonrpc", "2.0");
        message.put("method", method);
        send(message);
    }

    private void send(JsonNode message) throws IOException {
        byte[] line = (JSON.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (out) {
            out.write(line);
            out.flush();
        }
    }

    private void read(Runnable onEnd) {
        InputStream in = process.getInputStream();
        String why = "its output ended";
        try {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            outer:
            while ((n = in.read(buffer)) > 0) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != '\n') continue;
                    line.write(buffer, start, i - start);
                    start = i + 1;
                    if (line.size() > MAX_MESSAGE) {
                        why = "it sent a message over " + MAX_MESSAGE + " bytes";
                        break outer;
                    }
                    handle(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                }
                line.write(buffer, start, n - start);
                if (line.size() > MAX_MESSAGE) {
                    why = "it sent a message over " + MAX_MESSAGE + " bytes";
                    break;
                }
            }
        } catch (IOException e) {
            why = "reading its output failed: " + e.getMessage();
        } finally {
            IOException gone = new IOException("MCP server " + server + " is gone: " + why);
            pending.values().forEach(f -> f.completeExceptionally(gone));
            process.destroy();
            onEnd.run();
        }
    }

    private void handle(String line) {
        if (line.isBlank()) return;
        JsonNode message;
        try {
            message = JSON.readTree(line);
        } catch (IOException e) {
            LOG.debug("MCP server {} wrote a line that is no JSON, skipped: {}", server, abbreviate(line));
            return;
        }
        if (!message.isObject()) return;
        JsonNode id = message.get("id");
        String method = message.path("method").asText(null);
        if (method == null) { // a response to one of ours
            if (id != null && id.canConvertToLong()) {
                CompletableFuture<JsonNode> f = pending.get(id.asLong());
                if (f != null) f.complete(message);
            }
            return;
        }
        if (id == null || id.isNull()) { // a notification
            if (method.equals("notifications/tools/list_changed")) toolsChanged.run();
            return;
        }
        ObjectNode reply = JSON.createObjectNode();
        reply.put("jsonrpc", "2.0");
        reply.set("id", id);
        if (method.equals("ping")) {
            reply.putObject("result");
        } else {
            reply.putObject("error").put("code", -32601).put("message", "ProcOS does not offer " + method);
        }
        try {
            send(reply);
        } catch (IOException ignored) {
            // the server is going; the reader sees its end
        }
    }

    private void readErrors() {
        try (var lines = new java.io.BufferedReader(
                new java.io.InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                String kept = abbreviate(line);
                LOG.debug("MCP server {}: {}", server, kept);
                synchronized (stderr) {
                    stderr.addLast(kept);
                    while (stderr.size() > 5) stderr.removeFirst();
                }
            }
        } catch (IOException ignored) {
            // the server is gone
        }
    }

    /** The last lines the server wrote to its standard error, joined, for health and logs. */
    String lastErrors() {
        synchronized (stderr) {
            return String.join(" | ", stderr);
        }
    }

    /** The server's exit code once it ended, else null. */
    Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    static String abbreviate(Object text) {
        String s = String.valueOf(text).replaceAll("\\p{Cntrl}", " ");
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    @Override
    public void close() {
        try {
            out.close(); // the stdio transport's way to ask a server to end
        } catch (IOException ignored) {
            // already closed
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(2, TimeUnit.SECONDS)) process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
