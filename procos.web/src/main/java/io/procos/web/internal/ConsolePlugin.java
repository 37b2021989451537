package io.procos.web.internal;

import io.procos.api.process.InstanceState;
import io.procos.api.process.InstanceView;
import io.procos.api.process.ProcessInfo;
import io.procos.api.process.ProcessService;
import io.procos.api.tool.ToolCatalog;
import io.procos.api.tool.ToolDescriptor;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The ProcOS tab of the Felix web console ({@code /system/console/procos}), for operators: health at a glance,
 * the deployed processes, the running and the failed instances, the tools, and a link to the workbench. The
 * console frames it and guards it with its own sign-in; everything shown is escaped as HTML text.
 */
@Component(
        service = Servlet.class,
        property = {"felix.webconsole.label=procos", "felix.webconsole.title=ProcOS", "felix.webconsole.category=ProcOS"
        })
public final class ConsolePlugin extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final int MAX_LISTED = 50;

    @Reference
    private transient SystemHealth health;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ProcessService processes;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ToolCatalog catalog;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        PrintWriter out = response.getWriter();
        Map<String, Object> report = health.report();
        out.println("<div id=\"procos-console\">");
        out.println("<p class=\"statline\">ProcOS is <b id=\"procos-health\">" + esc(report.get("status"))
                + "</b>. People draw, ask and watch in the <a href=\"/\" id=\"procos-workbench\">workbench</a>;"
                + " the API is under <code>/api</code>.</p>");
        if (report.get("problems") instanceof List<?> problems && !problems.isEmpty()) {
            out.println("<h2>Problems</h2><ul id=\"procos-problems\">");
            for (Object p : problems) out.println("<li>" + esc(p) + "</li>");
            out.println("</ul>");
        }
        ProcessService ps = processes;
        if (ps == null) {
            out.println("<p>The process engine is not running (yet).</p>");
        } else {
            List<ProcessInfo> deployed = ps.processes();
            out.println("<h2>Processes (" + deployed.size() + ")</h2>");
            out.println("<table class=\"tablesorter nicetable\" id=\"procos-processes\"><thead><tr><th>Key</th>"
                    + "<th>Name</th><th>Version</th></tr></thead><tbody>");
            for (ProcessInfo p : deployed.subList(0, Math.min(deployed.size(), MAX_LISTED)))
                out.println("<tr><td>" + esc(p.key()) + "</td><td>" + esc(p.name()) + "</td><td>" + p.version()
                        + "</td></tr>");
            out.println("</tbody></table>");
            instances(out, "Running instances", "procos-running", ps.instances(InstanceState.ACTIVE, MAX_LISTED));
            instances(out, "Failed instances", "procos-failed", ps.instances(InstanceState.FAILED, MAX_LISTED));
        }
        ToolCatalog c = catalog;
        if (c != null) {
            List<ToolDescriptor> tools = c.tools();
            out.println("<h2>Tools (" + tools.size() + ")</h2>");
            out.println("<table class=\"tablesorter nicetable\" id=\"procos-tools\"><thead><tr><th>Tool</th>"
                    + "<th>Bundle</th><th>May reach</th></tr></thead><tbody>");
            for (ToolDescriptor t : tools)
                out.println("<tr><td>" + esc(t.name()) + "</td><td>" + esc(t.bundle()) + " " + esc(t.bundleVersion())
                        + "</td><td>" + esc(String.join(", ", t.reach())) + "</td></tr>");
            out.println("</tbody></table>");
        }
        out.println("</div>");
    }

    private static void instances(PrintWriter out, String title, String id, List<InstanceView> list) {
        out.println("<h2>" + title + " (" + list.size() + (list.size() >= MAX_LISTED ? "+" : "") + ")</h2>");
        if (list.isEmpty()) {
            out.println("<p id=\"" + id + "\">None.</p>");
            return;
        }
        out.println("<table class=\"tablesorter nicetable\" id=\"" + id + "\"><thead><tr><th>Instance</th>"
                + "<th>Process</th><th>Started</th><th>Tasks done</th><th>Problem</th></tr></thead><tbody>");
        for (InstanceView i : list) {
            long done = i.tasks().stream()
                    .filter(t -> "COMPLETED".equals(t.status()))
                    .count();
            String problem = i.incidents().isEmpty() ? "" : i.incidents().get(0).message();
            out.println("<tr><td><a href=\"/#/instance/" + esc(i.id()) + "\">" + esc(i.id()) + "</a></td><td>"
                    + esc(i.processKey()) + " v" + i.processVersion() + "</td><td>" + esc(i.startedAt()) + "</td><td>"
                    + done + " / " + i.tasks().size() + "</td><td>" + esc(problem) + "</td></tr>");
        }
        out.println("</tbody></table>");
    }

    /** HTML text: whatever a process, an instance or a tool calls itself is shown, never interpreted. */
    static String esc(Object value) {
        if (value == null) return "";
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
