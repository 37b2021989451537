package io.procos.web.internal;

import io.procos.api.tde.Decision;
import io.procos.api.tde.TaskDescription;
import io.procos.api.tde.TaskExecutor;
import io.procos.api.tde.TaskFailedException;
import io.procos.api.tde.TaskRequest;
import io.procos.api.tool.ToolPolicy;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code POST /api/tde/decide} with {@code {"task": {"name": …, "documentation": …}, "variables": {…}}}:
 * the decision the task executor would take now, with the tools that exist now, without executing
 * anything. For people trying tasks, prompts and tools.
 */
@ApiOperation(
        method = "POST",
        path = "/api/tde/decide",
        tag = "decisions",
        summary = "the decision the task executor would take now, nothing executed",
        requestType = "application/json",
        requestSchema = "DecideRequest",
        maxBytes = Limits.JSON_BYTES,
        responseSchema = "Decision",
        errors = {400, 503})
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/api/tde/decide",
            "osgi.http.whiteboard.servlet.name=procos-tde-decide"
        })
public final class DecideServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    /** Not used: required so that this route exists only while the token filter guards it. */
    @Reference
    private transient ApiTokenFilter guard;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile TaskExecutor executor; // decides as a running task does: same planner, policy and precedents

    @Override
    @SuppressWarnings("unchecked")
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            Map<String, Object> body = HttpJson.objectBody(request, Limits.JSON_BYTES);
            if (!(body.get("task") instanceof Map<?, ?> task)
                    || !(task.get("name") instanceof String name)
                    || name.isBlank()) {
                throw new HttpJson.RequestException(
                        400,
                        "the body needs {\"task\": {\"name\": \"…\", \"documentation\": \"…\"}, \"variables\": {…}}");
            }
            Object doc = task.get("documentation");
            Map<String, Object> variables =
                    body.get("variables") instanceof Map<?, ?> v ? (Map<String, Object>) v : Map.of();
            String policy = body.get("toolPolicy") == null ? null : String.valueOf(body.get("toolPolicy"));
            if (policy != null) {
                try {
                    ToolPolicy.parse(policy, null);
                } catch (IllegalArgumentException e) {
                    throw new HttpJson.RequestException(400, e.getMessage());
                }
            }
            TaskExecutor x = HttpJson.available(executor, "the task executor (procos.tde)");
            long start = System.nanoTime();
            Decision decision;
            try {
                decision = x.decide(TaskRequest.of(
                        new TaskDescription(name, doc == null ? "" : doc.toString(), variables), policy));
            } catch (TaskFailedException e) {
                throw new HttpJson.RequestException(503, e.getMessage());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("tool", decision.tool());
            out.put("arguments", decision.arguments());
            out.put("mode", decision.mode());
            out.put("confidence", decision.confidence());
            out.put("rationale", decision.rationale());
            out.put("planner", decision.planner());
            out.put("millis", (System.nanoTime() - start) / 1_000_000.0);
            HttpJson.write(response, 200, out);
        } catch (HttpJson.RequestException e) {
            HttpJson.error(response, e);
        }
    }
}
