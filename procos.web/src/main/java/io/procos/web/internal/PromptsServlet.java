package io.procos.web.internal;

import io.procos.api.llm.Prompt;
import io.procos.api.llm.PromptStore;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The prompt templates the language models are given. {@code GET /api/prompts}: all of them;
 * {@code GET /api/prompts/{name}}: one; {@code PUT /api/prompts/{name}} with the new text (as
 * {@code text/plain}, or JSON {@code {"text": …}}): used from the next decision on, no restart;
 * {@code DELETE /api/prompts/{name}}: back to the shipped text.
 */
@ApiOperation(
        method = "GET",
        path = "/api/prompts",
        tag = "prompts",
        summary = "the prompt templates of the LLM planner and generator",
        response = Dto.Prompts.class,
        errors = {503})
@ApiOperation(
        method = "GET",
        path = "/api/prompts/{name}",
        tag = "prompts",
        summary = "one prompt template",
        response = Prompt.class,
        errors = {404, 503})
@ApiOperation(
        method = "PUT",
        path = "/api/prompts/{name}",
        tag = "prompts",
        summary = "a template's new text, used from the next decision on",
        response = Prompt.class,
        requestType = "text/plain,application/json",
        request = Dto.PromptText.class,
        maxBytes = Limits.TEXT_BYTES,
        errors = {400, 404, 503})
@ApiOperation(
        method = "DELETE",
        path = "/api/prompts/{name}",
        tag = "prompts",
        summary = "back to the shipped text",
        response = Prompt.class,
        errors = {404, 503})
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/api/prompts",
            "osgi.http.whiteboard.servlet.pattern=/api/prompts/*",
            "osgi.http.whiteboard.servlet.name=procos-prompts"
        })
public final class PromptsServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    /** Not used: required so that this route exists only while the token filter guards it. */
    @Reference
    private transient ApiTokenFilter guard;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile PromptStore prompts;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            PromptStore store = HttpJson.available(prompts, "the prompt store (procos.llm)");
            String name = ProcessesServlet.path(request);
            if (name.isEmpty()) {
                HttpJson.write(response, 200, new Dto.Prompts(store.list()));
            } else {
                HttpJson.write(response, 200, json(store.get(name).orElseThrow(() -> unknown(name, store))));
            }
        } catch (HttpJson.RequestException e) {
            HttpJson.error(response, e);
        }
    }

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            PromptStore store = HttpJson.available(prompts, "the prompt store (procos.llm)");
            String name = ProcessesServlet.path(request);
            if (store.get(name).isEmpty()) throw unknown(name, store);
            String text;
            String type = request.getContentType() == null ? "" : request.getContentType();
            if (type.startsWith("application/json")) {
                String usage = "the body needs {\"text\": \"…\"}";
                text = HttpJson.objectBody(request, Limits.TEXT_BYTES, Dto.PromptText.class, usage)
                        .text();
                if (text == null) throw new HttpJson.RequestException(400, usage);
            } else {
                text = HttpJson.body(request, Limits.TEXT_BYTES);
            }
            try {
                HttpJson.write(response, 200, json(store.put(name, text)));
            } catch (IllegalArgumentException e) {
                throw new HttpJson.RequestException(400, e.getMessage());
            }
        } catch (HttpJson.RequestException e) {
            HttpJson.error(response, e);
        }
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            PromptStore store = HttpJson.available(prompts, "the prompt store (procos.llm)");
            String name = ProcessesServlet.path(request);
            if (store.get(name).isEmpty()) throw unknown(name, store);
            HttpJson.write(response, 200, json(store.reset(name)));
        } catch (HttpJson.RequestException e) {
            HttpJson.error(response, e);
        }
    }

    private static HttpJson.RequestException unknown(String name, PromptStore store) {
        return new HttpJson.RequestException(
                404,
                "there is no prompt named '" + name + "'; there are "
                        + store.list().stream().map(Prompt::name).toList());
    }

    private static Prompt json(Prompt p) {
        return p; // procos.api's record, as it is
    }
}
