package io.procos.web.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.procos.api.process.ProcessService;
import io.procos.api.tool.ToolCatalog;
import io.procos.api.tool.ToolDescriptor;
import io.procos.api.tool.ToolPolicy;
import io.procos.api.tool.ToolResult;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * ProcOS's tools for MCP clients (an IDE, a desktop assistant, another agent): the Model Context Protocol's Streamable
 * HTTP transport at {@code /mcp}, behind the API token like {@code /api}.
 *
 * <ul>
 *   <li>{@code POST /mcp}: one JSON-RPC message. {@code initialize} opens a session ({@code Mcp-Session-Id});
 *       {@code tools/list} gives the live catalogue as a process that states no tool policy sees it (the configured
 *       default policy); {@code tools/call} runs one of those tools; {@code ping}. Notifications and responses are
 *       202.
 *   <li>{@code GET /mcp} ({@code Accept: text/event-stream}): the server's messages:
 *       {@code notifications/tools/list_changed} when a tool bundle comes or goes.
 *   <li>{@code DELETE /mcp}: ends the session.
 * </ul>
 *
 * A request from a web page of another origin is refused (DNS rebinding), as the protocol asks.
 */
@ApiOperation(
        method = "POST",
        path = "/mcp",
        tag = "mcp",
        summary = "a Model Context Protocol message (JSON-RPC): initialize, tools/list, tools/call",
        requestType = "application/json",
        maxBytes = Limits.TOOL_INPUT_BYTES,
        errors = {400, 403, 404})
@ApiOperation(
        method = "GET",
        path = "/mcp",
        tag = "mcp",
        summary = "the MCP server's event stream (Accept: text/event-stream): notifications/tools/list_changed",
        responseType = "text/event-stream",
        errors = {403, 406, 429})
@ApiOperation(
        method = "DELETE",
        path = "/mcp",
        tag = "mcp",
        summary = "end an MCP session (Mcp-Session-Id)",
        status = 204,
        responseType = "",
        errors = {403, 404})
@Component(
        service = Servlet.class,
        property = {"osgi.http.whiteboard.servlet.pattern=/mcp", "osgi.http.whiteboard.servlet.name=procos-mcp"})
public final class McpServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;
    static final List<String> PROTOCOL_VERSIONS = List.of("2025-06-18", "2025-03-26", "2024-11-05");
    static final int MAX_STREAMS = 16;
    static final int MAX_SESSIONS = 1000;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    /** Not used: required so that this route exists only while the token filter guards it. */
    @Reference
    private transient ApiTokenFilter guard;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ToolCatalog catalog;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ProcessService processes;

    private final transient Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final transient AtomicInteger streams = new AtomicInteger();

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!sameOrigin(request, response)) return;
        Map<String, Object> message;
        try {
            message = HttpJson.objectBody(request, Limits.TOOL_INPUT_BYTES);
        } catch (HttpJson.RequestException e) {
            writeError(response, e.status == 413 ? 413 : 400, null, -32700, e.getMessage());
            return;
        }
        Object id = message.get("id");
        Object method = message.get("method");
        if (!"2.0".equals(message.get("jsonrpc"))) {
            writeError(response, 400, id, -32600, "not a JSON-RPC 2.0 message: \"jsonrpc\": \"2.0\" is missing");
            return;
        }
        String session = request.getHeader("Mcp-Session-Id");
        if (session != null && !sessions.contains(session) && !"initialize".equals(method)) {
            writeError(
                    response,
                    404,
                    id,
                    -32001,
                    "no session " + session + " (ended, or ProcOS restarted): initialize again");
            return;
        }
        if (method == null || id == null) {
            // a notification or a client's response: accepted, nothing to answer
            response.setStatus(HttpServletResponse.SC_ACCEPTED);
            return;
        }
        Map<String, Object> params = message.get("params") instanceof Map<?, ?> p ? cast(p) : Map.of();
        try {
            Object result =
                    switch (method.toString()) {
                        case "initialize" -> initialize(params, response);
                        case "ping" -> Map.of();
                        case "tools/list" -> Map.of(
                                "tools", tools().stream().map(McpServlet::tool).toList());
                        case "tools/call" -> call(params);
                        default -> throw new RpcError(
                                -32601,
                                "ProcOS's MCP server has no method " + method
                                        + " (it serves initialize, ping, tools/list and tools/call)");
                    };
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("jsonrpc", "2.0");
            body.put("id", id);
            body.put("result", result);
            HttpJson.write(response, 200, body);
        } catch (RpcError e) {
            writeError(response, 200, id, e.code, e.getMessage());
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!sameOrigin(request, response)) return;
        String accept = request.getHeader("Accept");
        if (accept == null || !accept.contains("text/event-stream")) {
            HttpJson.error(response, 406, "GET /mcp is the server's event stream: send Accept: text/event-stream");
            return;
        }
        if (streams.incrementAndGet() > MAX_STREAMS) {
            streams.decrementAndGet();
            HttpJson.error(response, 429, "at most " + MAX_STREAMS + " MCP event streams are open at once");
            return;
        }
        try {
            response.setStatus(200);
            response.setContentType("text/event-stream");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-cache");
            OutputStream out = response.getOutputStream();
            out.write(": ProcOS tools\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            String session = request.getHeader("Mcp-Session-Id");
            List<String> seen = names();
            long lastWrite = System.nanoTime();
            while (session == null || sessions.contains(session)) {
                Thread.sleep(250);
                List<String> now = names();
                if (!now.equals(seen)) {
                    seen = now;
                    out.write(("event: message\ndata: "
                                    + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    lastWrite = System.nanoTime();
                } else if (System.nanoTime() - lastWrite
                        > Duration.ofSeconds(15).toNanos()) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8)); // finds a client that left
                    out.flush();
                    lastWrite = System.nanoTime();
                }
            }
        } catch (IOException | InterruptedException gone) {
            if (gone instanceof InterruptedException) Thread.currentThread().interrupt();
            // the client closed the stream, or ProcOS stops
        } finally {
            streams.decrementAndGet();
        }
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!sameOrigin(request, response)) return;
        String session = request.getHeader("Mcp-Session-Id");
        if (session == null || !sessions.remove(session)) {
            HttpJson.error(response, 404, "no such MCP session");
            return;
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private Map<String, Object> initialize(Map<String, Object> params, HttpServletResponse response) {
        Object asked = params.get("protocolVersion");
        String version = PROTOCOL_VERSIONS.contains(asked) ? asked.toString() : PROTOCOL_VERSIONS.get(0);
        if (sessions.size() >= MAX_SESSIONS) sessions.clear(); // clients that never said goodbye; they initialize again
        String session = UUID.randomUUID().toString();
        sessions.add(session);
        response.setHeader("Mcp-Session-Id", session);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("protocolVersion", version);
        result.put("capabilities", Map.of("tools", Map.of("listChanged", true)));
        result.put("serverInfo", Map.of("name", "procos", "version", "0.1.0"));
        result.put(
                "instructions",
                "ProcOS's deterministic tools, as its processes use them: each tool says what it does and may reach.");
        return result;
    }

    private Map<String, Object> call(Map<String, Object> params) throws RpcError {
        Object name = params.get("name");
        if (!(name instanceof String tool)) throw new RpcError(-32602, "tools/call needs \"name\": the tool to run");
        Object arguments = params.getOrDefault("arguments", Map.of());
        if (!(arguments instanceof Map<?, ?> input))
            throw new RpcError(-32602, "\"arguments\" must be an object of the tool's input");
        ToolCatalog c = catalog();
        if (tools().stream().noneMatch(t -> t.name().equals(tool))) {
            boolean exists = c.tool(tool).isPresent();
            throw new RpcError(
                    -32602,
                    exists
                            ? "tool " + tool + " is not allowed by the default tool policy (" + policy().spec() + ")"
                            : "unknown tool: " + tool + "; tools/list gives the tools there are");
        }
        ToolResult result = c.invoke(tool, cast(input), "mcp-" + UUID.randomUUID(), CALL_TIMEOUT);
        Map<String, Object> out = new LinkedHashMap<>();
        String text = result.text() != null ? result.text() : json(result.content());
        out.put("content", List.of(Map.of("type", "text", "text", text)));
        if (!result.isError() && result.content() != null) out.put("structuredContent", result.content());
        out.put("isError", result.isError());
        return out;
    }

    private List<ToolDescriptor> tools() throws RpcError {
        return policy().filter(catalog().tools());
    }

    private List<String> names() {
        try {
            return tools().stream().map(ToolDescriptor::name).toList();
        } catch (RpcError e) {
            return List.of();
        }
    }

    private ToolPolicy policy() {
        ProcessService p = processes;
        return p == null ? ToolPolicy.standard() : p.defaultToolPolicy();
    }

    private ToolCatalog catalog() throws RpcError {
        ToolCatalog c = catalog;
        if (c == null) throw new RpcError(-32603, "the tool catalogue is not available yet; see GET /api/health");
        return c;
    }

    private static Map<String, Object> tool(ToolDescriptor d) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", d.name());
        t.put("description", d.description());
        // MCP requires an object schema; a tool without a readable one takes any object
        Object schema = ToolsServlet.parse(d.inputSchema());
        boolean readable = schema instanceof Map<?, ?> m && !m.containsKey(ToolsServlet.INVALID_SCHEMA);
        t.put("inputSchema", readable ? schema : Map.of("type", "object"));
        return t;
    }

    private static String json(Object value) {
        try {
            return HttpJson.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    /** A browser page of another site must not reach a local server through DNS rebinding. */
    private static boolean sameOrigin(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String origin = request.getHeader("Origin");
        if (origin == null || origin.matches("https?://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:\\d+)?")) return true;
        HttpJson.error(response, 403, "requests from the web origin " + origin + " are refused");
        return false;
    }

    private static void writeError(HttpServletResponse response, int status, Object id, int code, String message)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jsonrpc", "2.0");
        body.put("id", id);
        body.put("error", Map.of("code", code, "message", message));
        HttpJson.write(response, status, body);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private static final class RpcError extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        RpcError(int code, String message) {
            super(message);
            this.code = code;
        }
    }
}
