package io.procos.web.internal;

import io.procos.api.das.Assistant;
import io.procos.api.das.Generated;
import io.procos.api.das.GenerationException;
import io.procos.api.das.Started;
import io.procos.api.das.Suggestion;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The assistant over REST. {@code POST /api/das/commands} ({@code {"text": …, "variables": {…}}}):
 * generated, validated, deployed and started → 201 {@code {"processKey", "id", "bpmn", "explanation"}};
 * words that cannot become a valid process → 422 with the reasons, nothing deployed.
 * {@code POST /api/das/generate} ({@code {"text": …}}): the BPMN as {@code application/xml}, nothing
 * deployed. {@code POST /api/das/ask} (the text as {@code text/plain}): runs the command and streams
 * its progress as lines of text until it ends (what {@code bin/procos ask} prints).
 * {@code GET /api/das/suggestions?processKey=…}: refinements with their evidence.
 */
@ApiOperation(
        method = "POST",
        path = "/api/das/commands",
        tag = "assistant",
        summary =
                "words become a process: generated, validated, deployed and started; 422 and nothing deployed when they cannot",
        requestType = "application/json,text/plain",
        request = Dto.Command.class,
        maxBytes = Limits.WORDS_BYTES,
        status = 201,
        errors = {400, 422, 503},
        response = Dto.CommandStarted.class)
@ApiOperation(
        method = "POST",
        path = "/api/das/generate",
        tag = "assistant",
        summary = "the BPMN the words become, nothing deployed",
        requestType = "application/json,text/plain",
        maxBytes = Limits.WORDS_BYTES,
        responseType = "application/xml",
        errors = {400, 422, 503},
        request = Dto.Command.class)
@ApiOperation(
        method = "POST",
        path = "/api/das/ask",
        tag = "assistant",
        summary = "run a command and stream its progress as text until it ends",
        requestType = "text/plain,application/json",
        maxBytes = Limits.WORDS_BYTES,
        responseType = "text/plain",
        errors = {400, 503},
        request = Dto.Command.class)
@ApiOperation(
        method = "GET",
        path = "/api/das/suggestions",
        tag = "assistant",
        summary = "refinements of a process learned from memory, each with its evidence",
        query = {"processKey:string:the process"},
        errors = {400, 404, 503},
        response = Dto.Suggestions.class)
@Component(
        service = Servlet.class,
        property = {"osgi.http.whiteboard.servlet.pattern=/api/das/*", "osgi.http.whiteboard.servlet.name=procos-das"})
public final class DasServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    /** Not used: required so that this route exists only while the token filter guards it. */
    @Reference
    private transient ApiTokenFilter guard;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Assistant assistant;

    @Override
    @SuppressWarnings("unchecked")
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            Assistant a = HttpJson.available(assistant, "the assistant (procos.das)");
            String path = ProcessesServlet.path(request);
            String text;
            Map<String, Object> variables = Map.of();
            String type = request.getContentType() == null ? "" : request.getContentType();
            if (type.startsWith("text/plain")) {
                text = HttpJson.body(request, Limits.WORDS_BYTES);
            } else {
                String usage = "the body needs {\"text\": \"what you want done\"}, with \"variables\" a JSON object";
                Dto.Command body = HttpJson.objectBody(request, Limits.WORDS_BYTES, Dto.Command.class, usage);
                if (body.text() == null) throw new HttpJson.RequestException(400, usage);
                text = body.text();
                if (body.variables() != null) variables = body.variables();
            }
            try {
                switch (path) {
                    case "commands" -> {
                        Started s = a.command(text, variables);
                        HttpJson.write(
                                response,
                                201,
                                new Dto.CommandStarted(
                                        s.processKey(), s.instanceId(), s.bpmn(), s.explanation(), s.generator()));
                    }
                    case "generate" -> {
                        Generated g = a.generate(text);
                        response.setStatus(200);
                        response.setContentType("application/xml");
                        response.setCharacterEncoding("UTF-8");
                        response.setHeader("X-Procos-Process-Key", g.processKey());
                        response.setHeader(
                                "X-Procos-Explanation", URLEncoder.encode(g.explanation(), StandardCharsets.UTF_8));
                        response.getWriter().write(g.bpmn());
                    }
                    case "ask" -> ask(a, text, variables, response);
                    default -> throw new HttpJson.RequestException(
                            404,
                            "unknown assistant resource '" + path
                                    + "'; there are commands, generate, ask and suggestions");
                }
            } catch (GenerationException e) {
                throw new HttpJson.RequestException(422, e.getMessage(), e.problems());
            } catch (IllegalArgumentException e) {
                throw new HttpJson.RequestException(400, e.getMessage()); // variables the engine cannot keep
            }
        } catch (HttpJson.RequestException e) {
            HttpJson.error(response, e);
        }
    }

    private static void ask(Assistant a, String text, Map<String, Object> variables, HttpServletResponse response)
            throws IOException, GenerationException {
        response.setStatus(200);
        response.setContentType("text/plain");
        response.setCharacterEncoding("UTF-8");
        PrintWriter out = response.getWriter();
        try {
            String result = a.ask(
                    text,
                    variables,
                    line -> {
                        out.println(line);
                        out.flush();
                    },
                    Duration.ofMinutes(10));
            out.println(result);
        } catch (GenerationException | IllegalArgumentException e) {
            out.println("Refused: " + e.getMessage());
            out.println("Finished: REFUSED");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("Finished: INTERRUPTED");
        }
        out.flush();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            Assistant a = HttpJson.available(assistant, "the assistant (procos.das)");
            if (!"suggestions".equals(ProcessesServlet.path(request)))
                throw new HttpJson.RequestException(404, "GET /api/das/suggestions?processKey=… is the only GET here");
            String key = HttpJson.parameter(request, "processKey");
            if (key == null || key.isBlank())
                throw new HttpJson.RequestException(400, "the query parameter 'processKey' is required");
            try {
                List<Suggestion> suggestions = a.suggestions(key);
                HttpJson.write(response, 200, new Dto.Suggestions(key, suggestions));
            } catch (IllegalStateException e) {
                throw new HttpJson.RequestException(503, e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new HttpJson.RequestException(
                        400, "no suggestions for the processKey '" + key + "': " + e.getMessage());
            }
        } catch (HttpJson.RequestException e) {
            HttpJson.error(response, e);
        }
    }
}
