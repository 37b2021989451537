package io.procos.web.internal;

import io.procos.api.memory.Graph;
import io.procos.api.memory.Hit;
import io.procos.api.memory.Memory;
import io.procos.api.memory.MemoryItem;
import io.procos.api.memory.Recall;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Memory over REST. {@code POST /api/memory} with {@code {"text": …, "kind": …}}: saved (201, the item as
 * kept). {@code GET /api/memory/search?q=…&k=…&kind=…&process=…}: hits by meaning with text, kind and score.
 * {@code GET /api/memory/graph?instance=…}: the subgraph of one run. {@code GET /api/memory/tools?task=…}:
 * which tools tasks like this used and how they did. {@code GET /api/memory/errors?tool=…}: which errors
 * followed a tool.
 */
@ApiOperation(
        method = "POST",
        path = "/api/memory",
        tag = "memory",
        summary = "remember a text",
        response = Dto.Remembered.class,
        requestType = "application/json",
        request = Dto.MemoryItemRequest.class,
        maxBytes = Limits.TEXT_BYTES,
        status = 201,
        errors = {400, 503})
@ApiOperation(
        method = "GET",
        path = "/api/memory/search",
        tag = "memory",
        summary = "items by meaning",
        query = {
            "q:string:the words",
            "k:integer:how many (1 to 100, default 10)",
            "kind:string:only this kind",
            "process:string:only this process"
        },
        errors = {400, 503},
        response = Dto.Hits.class)
@ApiOperation(
        method = "GET",
        path = "/api/memory/graph",
        tag = "memory",
        summary = "the graph of one run: nodes and edges",
        response = Graph.class,
        query = {"instance:string:the process instance"},
        errors = {400, 404, 503})
@ApiOperation(
        method = "GET",
        path = "/api/memory/tools",
        tag = "memory",
        summary = "which tools tasks like this used, and how they did",
        response = Dto.ToolUses.class,
        query = {"task:string:the task's words", "k:integer:how many similar tasks (1 to 100, default 20)"},
        errors = {400, 503})
@ApiOperation(
        method = "GET",
        path = "/api/memory/errors",
        tag = "memory",
        summary = "which errors followed a tool",
        response = Dto.ErrorCounts.class,
        query = {"tool:string:the tool", "limit:integer:1 to 1000, default 10"},
        errors = {400, 503})
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/api/memory",
            "osgi.http.whiteboard.servlet.pattern=/api/memory/*",
            "osgi.http.whiteboard.servlet.name=procos-memory"
        })
public final class MemoryServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    /** Not used: required so that this route exists only while the token filter guards it. */
    @Reference
    private transient ApiTokenFilter guard;

    /** The most errors {@code GET /api/memory/errors} lists. */
    private static final int MAX_LIMIT = 1000;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Memory memory;

    @Override
    @SuppressWarnings("unchecked")
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            if (!ProcessesServlet.path(request).isEmpty())
                throw new HttpJson.RequestException(404, "POST /api/memory saves an item; nothing else is posted here");
            Memory m = HttpJson.available(memory, "memory (procos.memory)");
            String usage = "the body needs {\"text\": \"what to remember\", \"kind\": \"note\"}";
            Dto.MemoryItemRequest body =
                    HttpJson.objectBody(request, Limits.TEXT_BYTES, Dto.MemoryItemRequest.class, usage);
            String text = body.text();
            if (text == null || text.isBlank()) throw new HttpJson.RequestException(400, usage);
            String kind = body.kind() == null ? "note" : body.kind();
            if (CorrectionsServlet.KIND.equals(kind)) {
                throw new HttpJson.RequestException(
                        400,
                        "items of kind 'correction' are recorded by ProcOS itself once it has checked them: "
                                + "POST /api/tde/corrections with {\"task\": {\"name\": …}, \"tool\": …, \"arguments\": {…}}");
            }
            if (MemoryItem.RECORDED_BY_PROCOS.contains(kind)) {
                throw new HttpJson.RequestException(
                        400,
                        "items of kind '" + kind + "' are recorded by ProcOS itself (it takes them as "
                                + "precedents and processes to reuse); save yours as another kind, for example \"note\"");
            }
            Map<String, Object> properties = body.properties() == null ? Map.of() : body.properties();
            MemoryItem saved;
            try {
                saved = m.remember(new MemoryItem(null, kind, text.strip(), properties, List.of(), null));
            } catch (IllegalArgumentException e) {
                throw new HttpJson.RequestException(400, e.getMessage());
            } catch (Memory.MemoryFullException e) {
                throw new HttpJson.RequestException(503, e.getMessage());
            }
            HttpJson.write(response, 201, Dto.Remembered.of(saved, m.backlog()));
        } catch (HttpJson.RequestException e) {
            HttpJson.error(response, e);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            Memory m = HttpJson.available(memory, "memory (procos.memory)");
            String path = ProcessesServlet.path(request);
            try {
                switch (path) {
                    case "search" -> {
                        String q = required(request, "q", "what to look for, in words");
                        Recall recall = new Recall(
                                intParam(request, "k", 10, Recall.MAX_K),
                                blankToNull(HttpJson.parameter(request, "kind")),
                                blankToNull(HttpJson.parameter(request, "process")),
                                null);
                        List<Dto.Hit> hits = m.recall(q, recall).stream()
                                .map(MemoryServlet::hit)
                                .toList();
                        HttpJson.write(response, 200, new Dto.Hits(q, hits));
                    }
                    case "graph" -> {
                        String instance = required(request, "instance", "the id of a process instance");
                        Graph g = m.instanceGraph(instance);
                        if (g.nodes().isEmpty())
                            throw new HttpJson.RequestException(
                                    404, "memory has nothing about instance " + instance + " (yet)");
                        HttpJson.write(response, 200, g);
                    }
                    case "tools" -> HttpJson.write(
                            response,
                            200,
                            new Dto.ToolUses(m.toolsForTasksLike(
                                    required(request, "task", "a task in words"),
                                    intParam(request, "k", 20, Recall.MAX_K))));
                    case "errors" -> HttpJson.write(
                            response,
                            200,
                            new Dto.ErrorCounts(m.errorsAfter(
                                    required(request, "tool", "a tool name"),
                                    intParam(request, "limit", 10, MAX_LIMIT))));
                    default -> throw new HttpJson.RequestException(
                            404, "unknown memory resource '" + path + "'; there are search, graph, tools and errors");
                }
            } catch (IllegalArgumentException e) {
                throw new HttpJson.RequestException(400, e.getMessage());
            } catch (IllegalStateException e) {
                throw new HttpJson.RequestException(503, e.getMessage());
            }
        } catch (HttpJson.RequestException e) {
            HttpJson.error(response, e);
        }
    }

    private static String required(HttpServletRequest request, String name, String what)
            throws HttpJson.RequestException {
        String v = HttpJson.parameter(request, name);
        if (v == null || v.isBlank())
            throw new HttpJson.RequestException(400, "the query parameter '" + name + "' is required: " + what);
        if (v.length() > 4000)
            throw new HttpJson.RequestException(
                    413, "the query parameter '" + name + "' is too long (at most 4000 characters)");
        return v;
    }

    /** A whole number from 1 to {@code max}, said so when it is not: the stores below take no other. */
    private static int intParam(HttpServletRequest request, String name, int fallback, int max)
            throws HttpJson.RequestException {
        String v = HttpJson.parameter(request, name);
        if (v == null || v.isBlank()) return fallback;
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 1 && n <= max) return n;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new HttpJson.RequestException(
                400, "'" + name + "' must be a whole number from 1 to " + max + ", not '" + v + "'");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Dto.Hit hit(Hit h) {
        MemoryItem i = h.item();
        return new Dto.Hit(
                i.id(), i.kind(), i.text(), i.createdAt(), i.properties(), Math.round(h.score() * 10000) / 10000.0);
    }
}
