package io.procos.web.internal;

import io.procos.api.process.InstanceState;
import io.procos.api.process.InstanceView;
import io.procos.api.process.ProcessService;
import io.procos.api.tool.ToolCatalog;
import io.procos.api.tool.ToolDescriptor;
import io.procos.api.tool.ToolPolicy;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code GET /api/instances/{id}}: one domain instance with its state, each task's decision, result,
 * status and timing, and its incidents. {@code GET /api/instances?state=ACTIVE|COMPLETED|FAILED&max=50}: a list.
 */
@ApiOperation(
        method = "GET",
        path = "/api/instances",
        tag = "instances",
        summary = "process instances, newest first",
        response = InstanceView[].class,
        query = {"state:string:ACTIVE, COMPLETED or FAILED", "max:integer:at most this many (1 to 1000, default 50)"},
        errors = {400, 503})
@ApiOperation(
        method = "GET",
        path = "/api/instances/{id}",
        tag = "instances",
        summary = "one instance: its state, variables, each task's latest run, tool policy and incidents, with"
                + " allowedTools: the tools that exist now and its tasks may use",
        response = InstanceView.class,
        errors = {404, 503})
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/api/instances",
            "osgi.http.whiteboard.servlet.pattern=/api/instances/*",
            "osgi.http.whiteboard.servlet.name=procos-instances"
        })
public final class InstancesServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    /** Not used: required so that this route exists only while the token filter guards it. */
    @Reference
    private transient ApiTokenFilter guard;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ProcessService processes;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ToolCatalog catalog;

    /** The view, plus the tools that exist now and its tasks may use under its policy. */
    @SuppressWarnings("unchecked")
    private Object withAllowedTools(InstanceView view) {
        Map<String, Object> body = HttpJson.MAPPER.convertValue(view, Map.class);
        ToolCatalog c = catalog;
        if (c != null && view.toolPolicy() != null) {
            body.put(
                    "allowedTools",
                    ToolPolicy.parse(view.toolPolicy(), null).filter(c.tools()).stream()
                            .map(ToolDescriptor::name)
                            .toList());
        }
        return body;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            ProcessService s = HttpJson.available(processes, "the process engine");
            String id = ProcessesServlet.path(request);
            if (!id.isEmpty()) {
                var view = s.instance(id);
                if (view.isEmpty())
                    throw new HttpJson.RequestException(404, "no process instance with id '" + id + "'");
                HttpJson.write(response, 200, withAllowedTools(view.get()));
                return;
            }
            InstanceState state = null;
            String stateParam = HttpJson.parameter(request, "state");
            if (stateParam != null && !stateParam.isBlank()) {
                try {
                    state = InstanceState.valueOf(stateParam.trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new HttpJson.RequestException(
                            400,
                            "unknown state '" + stateParam + "': use one of "
                                    + Arrays.toString(InstanceState.values()));
                }
            }
            int max = 50;
            String maxParam = HttpJson.parameter(request, "max");
            if (maxParam != null) {
                try {
                    max = Integer.parseInt(maxParam.trim());
                    if (max < 1 || max > 1000) throw new NumberFormatException();
                } catch (NumberFormatException e) {
                    throw new HttpJson.RequestException(
                            400, "max must be a whole number from 1 to 1000, not '" + maxParam + "'");
                }
            }
            HttpJson.write(response, 200, s.instances(state, max));
        } catch (HttpJson.RequestException e) {
            HttpJson.error(response, e);
        }
    }
}
