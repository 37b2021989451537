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
        request = Dto.DecideRequest.class,
        maxBytes = Limits.JSON_BYTES,
        response = Dto.Decided.class,
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
            String usage = "the body needs {\"task\": {\"name\": \"…\", \"documentation\": \"…\"}, \"variables\": {…}}";
            Dto.DecideRequest body = HttpJson.objectBody(request, Limits.JSON_BYTES, Dto.DecideRequest.class, usage);
            if (body.task() == null
                    || body.task().name() == null
                    || body.task().name().isBlank()) throw new HttpJson.RequestException(400, usage);
            String name = body.task().name();
            String doc = body.task().documentation();
            Map<String, Object> variables = body.variables() == null ? Map.of() : body.variables();
            String policy = body.toolPolicy();
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
                decision =
                        x.decide(TaskRequest.of(new TaskDescription(name, doc == null ? "" : doc, variables), policy));
            } catch (TaskFailedException e) {
                throw new HttpJson.RequestException(503, e.getMessage());
            }
            HttpJson.write(
                    response,
                    200,
                    new Dto.Decided(
                            decision.tool(),
                            decision.arguments(),
                            decision.mode(),
                            decision.confidence(),
                            decision.rationale(),
                            decision.planner(),
                            (System.nanoTime() - start) / 1_000_000.0));
        } catch (HttpJson.RequestException e) {
            HttpJson.error(response, e);
        }
    }
}
