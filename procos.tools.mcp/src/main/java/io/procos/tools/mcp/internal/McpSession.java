package io.procos.tools.mcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
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

    /** How messages travel: a server's stdio, or HTTP. */
    interface Wire extends AutoCloseable {
        /** Starts passing what the server sends to {@link McpSession#received} and its end to {@link McpSession#end}. */
        void open(McpSession session);

        void send(String message) throws IOException;

        /** The last lines the server wrote to its standard error, or what went wrong on the wire; "" when none. */
        String lastErrors();

        /** How the server ended ("exit code 137"), or null while it runs or when that is not known. */
        String howEnded();

        @Override
        void close();
    }

    private final String server;
    private final Wire wire;
    private final Runnable toolsChanged;
    private final Runnable onEnd;
    private final java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile String serverName = "";

    /**
     * @param toolsChanged run when the server says its tool list changed
     * @param onEnd run once when the session ends (the server exited, closed its output, or its HTTP session went)
     */
    McpSession(String server, Wire wire, Runnable toolsChanged, Runnable onEnd) {
        this.server = server;
        this.wire = wire;
        this.toolsChanged = toolsChanged;
        this.onEnd = onEnd;
        wire.open(this);
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
        wire.send(JSON.writeValueAsString(message));
    }

    /** A message the server sent (one line of stdio, one event or body of HTTP). */
    void received(String message) {
        handle(message);
    }

    /** A message the wire could not deliver: a request of ours fails at once with why. */
    void undeliverable(String message, IOException why) {
        try {
            JsonNode id = JSON.readTree(message).get("id");
            CompletableFuture<JsonNode> f = id != null && id.canConvertToLong() ? pending.get(id.asLong()) : null;
            if (f != null) f.completeExceptionally(why);
            else LOG.debug("MCP server {}: a message was not delivered: {}", server, why.getMessage());
        } catch (IOException notJson) {
            LOG.debug("MCP server {}: {}", server, why.getMessage());
        }
    }

    /** The session is over: whatever waits fails with why, once. */
    void end(String why) {
        if (!over.compareAndSet(false, true)) return;
        IOException gone = new IOException("MCP server " + server + " is gone: " + why);
        pending.values().forEach(f -> f.completeExceptionally(gone));
        onEnd.run();
    }

    boolean ended() {
        return over.get();
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

    /** What the wire knows of the server's last words. */
    String lastErrors() {
        return wire.lastErrors();
    }

    /** How the server ended, or null. */
    String howEnded() {
        return wire.howEnded();
    }

    static String abbreviate(Object text) {
        String s = String.valueOf(text).replaceAll("\\p{Cntrl}", " ");
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    @Override
    public void close() {
        over.set(true);
        wire.close();
    }
}
