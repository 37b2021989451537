package io.procos.web.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code GET /api/openapi.json}: the OpenAPI 3 description of every route ProcOS's servlets serve now, built
 * from the operations written on them ({@link ApiOperation}). A servlet that is not registered (its service
 * missing) is not described, since it does not answer either.
 */
@ApiOperation(
        method = "GET",
        path = "/api/openapi.json",
        tag = "meta",
        summary = "this description: every route, its parameters, bodies, limits and errors")
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/api/openapi.json",
            "osgi.http.whiteboard.servlet.name=procos-openapi"
        })
public final class OpenApiServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    /** Not used: required so that this route exists only while the token filter guards it. */
    @Reference
    private transient ApiTokenFilter guard;

    private final transient List<Servlet> servlets = new CopyOnWriteArrayList<>();

    @Reference(
            service = Servlet.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            target = "(osgi.http.whiteboard.servlet.name=procos-*)")
    void bindServlet(Servlet servlet) {
        servlets.add(servlet);
    }

    void unbindServlet(Servlet servlet) {
        servlets.remove(servlet);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        List<Class<?>> classes = new ArrayList<>();
        classes.add(OpenApiServlet.class);
        for (Servlet s : servlets) if (!(s instanceof OpenApiServlet)) classes.add(s.getClass());
        var bundle = FrameworkUtil.getBundle(OpenApiServlet.class);
        String version = bundle == null ? "0" : bundle.getVersion().toString();
        HttpJson.write(response, 200, OpenApi.document(classes, version));
    }
}
