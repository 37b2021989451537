package io.procos.web.internal;

import io.procos.api.memory.Hit;
import io.procos.api.memory.Memory;
import io.procos.api.memory.Recall;
import io.procos.api.process.Deployment;
import io.procos.api.process.InstanceState;
import io.procos.api.process.InstanceView;
import io.procos.api.process.InvalidProcessException;
import io.procos.api.process.ProcessInfo;
import io.procos.api.process.ProcessService;
import io.procos.api.tde.Decision;
import io.procos.api.tde.TaskDescription;
import io.procos.api.tde.TaskExecutor;
import io.procos.api.tde.TaskFailedException;
import io.procos.api.tde.TaskRequest;
import io.procos.api.tde.TaskRun;
import io.procos.api.tool.ToolCatalog;
import io.procos.api.tool.ToolDescriptor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Gogo commands for operators at the shell of {@code procos start --shell}, each printing what the REST route of the
 * same name answers, as text: {@code procos:processes}, {@code procos:deploy <file.bpmn>}, {@code procos:instances
 * [ACTIVE|COMPLETED|FAILED]}, {@code procos:instance <id>}, {@code procos:tools}, {@code procos:decide <name>
 * [documentation]}, {@code procos:search <words>} and {@code procos:health}. The shell is the operator's own terminal;
 * these commands use the same services, policies and limits as the API.
 */
@Component(
        service = OperatorCommands.class,
        property = {
            "osgi.command.scope=procos",
            "osgi.command.function=processes",
            "osgi.command.function=deploy",
            "osgi.command.function=instances",
            "osgi.command.function=instance",
            "osgi.command.function=tools",
            "osgi.command.function=decide",
            "osgi.command.function=search",
            "osgi.command.function=health"
        })
public final class OperatorCommands {

    static final int LIST_MAX = 20;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ProcessService processes;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ToolCatalog catalog;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile TaskExecutor executor;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Memory memory;

    @Reference
    private SystemHealth health;

    public String processes() {
        ProcessService p = processes;
        if (p == null) return notRunning("the process engine");
        StringBuilder out = new StringBuilder();
        for (ProcessInfo info : p.processes())
            out.append(String.format(
                    "%-30s v%-3d %s%n", info.key(), info.version(), info.name() == null ? "" : info.name()));
        return out.isEmpty() ? "No process is deployed." : out.toString().stripTrailing();
    }

    public String deploy(String file) throws IOException {
        ProcessService p = processes;
        if (p == null) return notRunning("the process engine");
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) return "No such file: " + path.toAbsolutePath();
        if (Files.size(path) > Limits.BPMN_BYTES)
            return path + " has " + Files.size(path) + " bytes; at most " + Limits.BPMN_BYTES + " are deployed";
        try {
            Deployment d = p.deploy(path.getFileName().toString(), Files.readString(path));
            StringBuilder out = new StringBuilder("Deployed " + d.id() + ":");
            for (ProcessInfo info : d.processes()) out.append(String.format("%n  %s v%d", info.key(), info.version()));
            return out.toString();
        } catch (InvalidProcessException e) {
            StringBuilder out = new StringBuilder("Refused, nothing was deployed: " + e.getMessage());
            for (String problem : e.problems()) out.append("\n  ").append(problem);
            return out.toString();
        }
    }

    public String instances() {
        return instances(null);
    }

    public String instances(String state) {
        ProcessService p = processes;
        if (p == null) return notRunning("the process engine");
        InstanceState wanted = null;
        if (state != null) {
            try {
                wanted = InstanceState.valueOf(state.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return "No state " + state + ": ACTIVE, COMPLETED or FAILED";
            }
        }
        StringBuilder out = new StringBuilder();
        for (InstanceView i : p.instances(wanted, LIST_MAX))
            out.append(String.format(
                    "%s  %-9s %-24s started %s%n",
                    i.id(), i.state(), i.processKey() + " v" + i.processVersion(), i.startedAt()));
        return out.isEmpty() ? "No instance." : out.toString().stripTrailing();
    }

    public String instance(String id) {
        ProcessService p = processes;
        if (p == null) return notRunning("the process engine");
        return p.instance(id).map(OperatorCommands::describe).orElse("No instance " + id);
    }

    static String describe(InstanceView i) {
        StringBuilder out = new StringBuilder(String.format(
                "%s %s v%d: %s, started %s%s%n",
                i.id(),
                i.processKey(),
                i.processVersion(),
                i.state(),
                i.startedAt(),
                i.endedAt() == null ? "" : ", ended " + i.endedAt()));
        out.append("Variables: ").append(i.variables()).append('\n');
        for (TaskRun t : i.tasks()) {
            out.append(String.format(
                    "Task %s (%s): %s, %s %s, attempts %d%n",
                    t.name(),
                    t.activityId(),
                    t.status(),
                    t.tool() == null ? "no tool" : t.tool(),
                    t.arguments(),
                    t.attempts()));
            if (t.rationale() != null)
                out.append("  why: ").append(t.rationale()).append('\n');
            if (t.error() != null) out.append("  error: ").append(t.error()).append('\n');
        }
        for (InstanceView.Incident incident : i.incidents())
            out.append("Incident at ")
                    .append(incident.activityId())
                    .append(": ")
                    .append(incident.message())
                    .append('\n');
        return out.toString().stripTrailing();
    }

    public String tools() {
        ToolCatalog c = catalog;
        if (c == null) return notRunning("the tool catalogue");
        StringBuilder out = new StringBuilder();
        for (ToolDescriptor t : c.tools())
            out.append(String.format(
                    "%-22s %s (%s %s)%n", t.name(), firstSentence(t.description()), t.bundle(), t.bundleVersion()));
        return out.isEmpty() ? "No tool is installed." : out.toString().stripTrailing();
    }

    public String decide(String name) {
        return decide(name, "");
    }

    public String decide(String name, String documentation) {
        TaskExecutor x = executor;
        if (x == null) return notRunning("the task executor (procos.tde)");
        Decision d;
        try {
            d = x.decide(TaskRequest.of(new TaskDescription(name, documentation, Map.of()), null));
        } catch (TaskFailedException e) {
            return "No decision: " + e.getMessage();
        }
        return String.format(
                "Tool: %s%nArguments: %s%nMode: %s, confidence %.2f, planner %s%nWhy: %s",
                d.tool() == null ? "none" : d.tool(),
                d.arguments(),
                d.mode(),
                d.confidence(),
                d.planner(),
                d.rationale());
    }

    public String search(String... words) {
        Memory m = memory;
        if (m == null) return notRunning("memory (procos.memory)");
        String query = String.join(" ", words).trim();
        if (query.isEmpty()) return "Say what to look for: procos:search <words>";
        StringBuilder out = new StringBuilder();
        for (Hit h : m.recall(query, new Recall(10, null, null, null)))
            out.append(String.format(
                    "%.2f  %-10s %s%n",
                    h.score(), h.item().kind(), oneLine(h.item().text())));
        return out.isEmpty()
                ? "Nothing in memory is like that."
                : out.toString().stripTrailing();
    }

    public String health() {
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            HealthServlet.writeText(health.report(), out);
        }
        return text.toString().stripTrailing();
    }

    private static String notRunning(String what) {
        return what + " is not running (yet); procos:health says why";
    }

    private static String firstSentence(String text) {
        if (text == null) return "";
        int end = text.indexOf(". ");
        return oneLine(end < 0 ? text : text.substring(0, end + 1));
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() > 120 ? line.substring(0, 117) + "..." : line;
    }
}
