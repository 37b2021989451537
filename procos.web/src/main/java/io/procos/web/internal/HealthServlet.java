package io.procos.web.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code GET /api/health}: 200 with the report when ProcOS can do its job (UP or DEGRADED), 503 when a
 * required part is down. JSON by default; plain text for people ({@code Accept: text/plain}), which
 * {@code bin/procos status} prints.
 */
@ApiOperation(
        method = "GET",
        path = "/api/health",
        tag = "system",
        summary =
                "the framework, every ProcOS and tool bundle, unsatisfied components and every health check; 503 when a required part is down (Accept: text/plain for text)",
        errors = {503})
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/api/health",
            "osgi.http.whiteboard.servlet.name=procos-health"
        })
public final class HealthServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;
    private final transient SystemHealth health;

    @Activate
    public HealthServlet(
            @Reference SystemHealth health,
            @Reference ApiTokenFilter guard) { // guard: this route exists only while the token filter does
        this.health = health;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> report = health.report();
        int status = "DOWN".equals(report.get("status")) ? 503 : 200;
        String accept = request.getHeader("Accept");
        if (accept != null && accept.contains("text/plain") && !accept.contains("application/json")) {
            response.setStatus(status);
            response.setContentType("text/plain");
            response.setCharacterEncoding("UTF-8");
            writeText(report, response.getWriter());
        } else {
            HttpJson.write(response, status, report);
        }
    }

    @SuppressWarnings("unchecked")
    static void writeText(Map<String, Object> report, PrintWriter out) {
        out.printf("ProcOS is %s (framework %s)%n", report.get("status"), report.get("framework"));
        out.println("Bundles:");
        for (Map<String, Object> b : (List<Map<String, Object>>) report.get("bundles")) {
            out.printf(
                    "  %-10s %s %s (%s)%n", b.get("state"), b.get("symbolicName"), b.get("version"), b.get("origin"));
        }
        for (Map<String, Object> c : (List<Map<String, Object>>) report.get("checks")) {
            out.printf("Check %-12s %-8s %s%n", c.get("name"), c.get("status"), c.get("detail"));
        }
        for (Map<String, Object> c : (List<Map<String, Object>>) report.get("unsatisfiedComponents")) {
            out.printf(
                    "Component %s (%s) %s: %s%n", c.get("component"), c.get("bundle"), c.get("state"), c.get("reason"));
        }
        for (Map<String, Object> p : (List<Map<String, Object>>) report.get("problems")) {
            out.printf(
                    "Problem with %s %s: %s%n  at %s%n",
                    p.get("kind"), p.get("name"), p.get("reason"), p.get("location"));
        }
    }
}
