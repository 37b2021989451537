package io.procos.web.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The workbench, ProcOS's page for people, at {@code /}: a single page (its files are in this bundle under {@code
 * workbench/}, bpmn-js among them, put there at build time) that does everything through {@code /api/*} with the
 * token the person enters. Its Content-Security-Policy lets it load and connect to this server only, so the page
 * reaches no other host whatever a diagram or a tool's output holds, and runs no inline script.
 */
@Component(
        service = Servlet.class,
        property = {"osgi.http.whiteboard.servlet.pattern=/", "osgi.http.whiteboard.servlet.name=procos-workbench"})
public final class WorkbenchServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "woff", "font/woff",
            "woff2", "font/woff2",
            "ttf", "font/ttf",
            "eot", "application/vnd.ms-fontobject",
            "png", "image/png",
            "ico", "image/x-icon");

    private final transient BundleContext context;
    private final long built;

    @Activate
    public WorkbenchServlet(BundleContext context) {
        this.context = context;
        this.built = context.getBundle().getLastModified();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (path.isEmpty() || path.equals("/")) path = "/index.html";
        String type = TYPES.get(path.substring(path.lastIndexOf('.') + 1));
        // only plain file names below workbench/: no "..", no backslash, no hidden files
        URL resource = type == null || !path.matches("(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)+") || path.contains("..")
                ? null
                : context.getBundle().getEntry("workbench" + path);
        response.setHeader("Content-Security-Policy", CSP);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        if (resource == null) {
            response.setStatus(404);
            response.setContentType("text/plain; charset=utf-8");
            response.getWriter()
                    .write("No such page: " + path + ". The workbench is at /, the API under /api, the operators' "
                            + "console at /system/console.\n");
            return;
        }
        String etag = "\"" + Long.toHexString(built) + "\"";
        response.setHeader("ETag", etag);
        // the page itself is checked each time; its scripts and styles change only with the bundle
        response.setHeader("Cache-Control", "no-cache");
        if (etag.equals(request.getHeader("If-None-Match"))) {
            response.setStatus(304);
            return;
        }
        response.setStatus(200);
        response.setContentType(type);
        try (InputStream in = resource.openStream()) {
            in.transferTo(response.getOutputStream());
        }
    }
}
