package io.procos.web.internal;

import io.procos.api.tool.ToolCatalog;
import io.procos.api.tool.ToolDescriptor;
import io.procos.api.tool.ToolResult;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code GET /api/tools}: every tool with its schemas and providing bundle, plus name conflicts and
 * which service wins. {@code GET /api/tools/{name}}: one tool. {@code POST /api/tools/{name}/invoke}
 * (JSON object input, optional {@code ?timeoutSeconds=}): try a tool by hand; its result or its tool
 * error (HTTP 200 either way: the call worked, the tool answered), 404 for an unknown tool.
 */
@ApiOperation(
        method = "GET",
        path = "/api/tools",
        tag = "tools",
        summary =
                "every tool with its description, input and output schema, bundle and what it may reach; conflicts between names",
        response = Dto.Tools.class)
@ApiOperation(
        method = "GET",
        path = "/api/tools/{name}",
        tag = "tools",
        summary = "one tool",
        response = Dto.Tool.class,
        errors = {404, 503})
@ApiOperation(
        method = "POST",
        path = "/api/tools/{name}/invoke",
        tag = "tools",
        summary = "call a tool by hand with this input: its result, or its tool error (isError)",
        query = {"timeoutSeconds:integer:1 to 3600, default 60"},
        requestType = "application/json",
        maxBytes = Limits.TOOL_INPUT_BYTES,
        errors = {400, 404, 503},
        response = Dto.ToolCall.class)
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/api/tools",
            "osgi.http.whiteboard.servlet.pattern=/api/tools/*",
            "osgi.http.whiteboard.servlet.name=procos-tools"
        })
public final class ToolsServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    /** Not used: required so that this route exists only while the token filter guards it. */
    @Reference
    private transient ApiTokenFilter guard;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ToolCatalog catalog;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            ToolCatalog c = catalog();
            String path = ProcessesServlet.path(request);
            if (path.isEmpty()) {
                HttpJson.write(
                        response,
                        200,
                        new Dto.Tools(c.tools().stream().map(ToolsServlet::json).toList(), c.conflicts()));
            } else {
                ToolDescriptor d = c.tool(path).orElseThrow(() -> unknown(path));
                HttpJson.write(response, 200, json(d));
            }
        } catch (HttpJson.RequestException e) {
            HttpJson.error(response, e);
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            String path = ProcessesServlet.path(request);
            if (!path.endsWith("/invoke"))
                throw new HttpJson.RequestException(404, "POST /api/tools/{name}/invoke calls a tool");
            String name = path.substring(0, path.length() - "/invoke".length());
            Map<String, Object> input = HttpJson.objectBody(request, Limits.TOOL_INPUT_BYTES);
            ToolCatalog c = catalog();
            if (c.tool(name).isEmpty()) throw unknown(name);
            int timeout = 60;
            String t = HttpJson.parameter(request, "timeoutSeconds");
            if (t != null) {
                try {
                    timeout = Integer.parseInt(t);
                    if (timeout < 1 || timeout > 3600) throw new NumberFormatException();
                } catch (NumberFormatException e) {
                    throw new HttpJson.RequestException(
                            400, "timeoutSeconds must be a whole number from 1 to 3600, not '" + t + "'");
                }
            }
            ToolResult result = c.invoke(name, input, "manual-" + UUID.randomUUID(), Duration.ofSeconds(timeout));
            HttpJson.write(response, 200, new Dto.ToolCall(name, result.isError(), result.text(), result.content()));
        } catch (HttpJson.RequestException e) {
            HttpJson.error(response, e);
        }
    }

    private ToolCatalog catalog() throws HttpJson.RequestException {
        return HttpJson.available(catalog, "the tool catalogue");
    }

    private static HttpJson.RequestException unknown(String name) {
        return new HttpJson.RequestException(
                404, "no tool named '" + name + "'; GET /api/tools lists the tools there are");
    }

    /** A descriptor with its schemas as JSON, not as strings of JSON. */
    /** What the tool can reach is shown; a process's procos.tools policy decides whether its tasks may use it. */
    private static Dto.Tool json(ToolDescriptor d) {
        return new Dto.Tool(
                d.name(),
                d.description(),
                parse(d.inputSchema()),
                parse(d.outputSchema()),
                d.bundle(),
                d.bundleVersion(),
                d.serviceId(),
                d.ranking(),
                d.reach());
    }

    static final String INVALID_SCHEMA = "invalidSchema";

    /** A schema as JSON; one that is not JSON as {@code {"invalidSchema": text, "error": why}}; null as null. */
    static Object parse(String schema) {
        if (schema == null) return null;
        try {
            return HttpJson.MAPPER.readValue(schema, Object.class);
        } catch (IOException e) {
            return Map.of(INVALID_SCHEMA, schema, "error", e.getMessage());
        }
    }
}
