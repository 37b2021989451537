package io.procos.web.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Every {@code /api} path no other endpoint serves: a JSON 404 naming the routes there are. Being a servlet
 * of {@code /api/*} (the shortest prefix, so every other endpoint wins), it lies behind the token filter like
 * the rest: without the token an unknown path is a 401 as well, and says nothing about which paths exist.
 */
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/api",
            "osgi.http.whiteboard.servlet.pattern=/api/*",
            "osgi.http.whiteboard.servlet.name=procos-unknown-route"
        })
public final class UnknownRouteServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Not used: required so that this route exists only while the token filter guards it. */
    @Reference
    private transient ApiTokenFilter guard;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpJson.error(
                response,
                HttpServletResponse.SC_NOT_FOUND,
                "no such resource: " + request.getMethod() + " " + request.getRequestURI()
                        + "; the routes are /api/health, /api/processes, /api/instances, /api/tools, /api/tde/decide, "
                        + "/api/prompts, /api/memory and /api/das (README, section HTTP)");
    }
}
