package io.procos.tools.mcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procos.api.health.Health;
import io.procos.api.health.HealthContributor;
import io.procos.api.tool.Sandbox;
import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolContext;
import io.procos.api.tool.ToolReach;
import io.procos.api.tool.ToolResult;
import io.procos.api.tool.Workspace;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured MCP server as a source of ProcOS tools. It starts the server in the {@link Sandbox} (its folder
 * {@code data/mcp/<name>} read-write, the system's programs read-only, no network), opens a session, and registers
 * each tool it lists as a {@link Tool} service named {@code <name>.<tool>}: the catalogue, the planner and
 * {@code /mcp} see them like a bundle's. The list follows the server's {@code notifications/tools/list_changed}.
 * When the server ends, its tools go, health says why, and it is started again after 1 s, 2 s, 4 s … up to the
 * configured longest wait (back to 1 s once it has run for a minute). Removing the configuration stops it.
 */
@Component(
        service = HealthContributor.class,
        immediate = true,
        configurationPid = McpClientConfiguration.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = McpClientConfiguration.class, factory = true)
public final class McpServerSource implements HealthContributor {

    private static final Logger LOG = LoggerFactory.getLogger(McpServerSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FILE_PREFIX = McpClientConfiguration.FACTORY_PID + "-";
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(20);

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Sandbox sandbox;

    private final BundleContext context;
    private final McpClientConfiguration config;
    private final String name;
    private final List<String> command;
    private final java.net.URI url;
    /** What its tools declare they reach: the configured words, and network for a server at a URL. */
    private final String[] reach;

    private final Path folder;
    private final ScheduledExecutorService scheduler;
    /** A tool offered: its registration and what the server listed. */
    private record Offered(ServiceRegistration<Tool> registration, McpSession.RemoteTool remote) {}

    private final Map<String, Offered> registered = new LinkedHashMap<>();
    private volatile McpSession session;
    private volatile Health health;
    private volatile boolean closed;
    private volatile Instant startedAt = Instant.EPOCH;
    private volatile long restartDelayMillis = 1000;
    private volatile int restarts;

    @Activate
    public McpServerSource(BundleContext context, McpClientConfiguration config, Map<String, Object> properties)
            throws IOException {
        this.context = context;
        this.config = config;
        this.name = serverName(config.name(), properties.get("felix.fileinstall.filename"));
        this.command = split(config.command());
        this.url = url(name, config.url(), command);
        this.reach = reach(name, config.reach(), url != null);
        String home = context.getProperty("procos.home");
        this.folder = Files.createDirectories(Path.of(home == null ? "." : home)
                .resolve("data/mcp")
                .resolve(name)
                .toAbsolutePath()
                .normalize());
        this.health = Health.degraded("MCP server " + name + " is starting");
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "procos-mcp-" + name);
            t.setDaemon(true);
            return t;
        });
        scheduler.execute(this::start);
    }

    /** The configured name, else what the file name says after {@code io.procos.mcp.client-}, as a tool prefix. */
    static String serverName(String configured, Object fileName) {
        String raw = configured == null ? "" : configured.strip();
        if (raw.isEmpty() && fileName != null) {
            String file = String.valueOf(fileName);
            file = file.substring(file.lastIndexOf('/') + 1);
            if (file.startsWith(FILE_PREFIX)) file = file.substring(FILE_PREFIX.length());
            if (file.endsWith(".cfg") || file.endsWith(".config")) file = file.substring(0, file.lastIndexOf('.'));
            raw = file;
        }
        String name = toolPart(raw);
        if (name.isEmpty())
            throw new IllegalArgumentException(
                    "an MCP server needs a name: set name= or name its file " + FILE_PREFIX + "<name>.cfg");
        return name.length() > 24 ? name.substring(0, 24) : name;
    }

    /** The server's URL when one is configured (http or https), else null; a command or a URL, not both. */
    static java.net.URI url(String name, String configured, List<String> command) {
        String raw = configured == null ? "" : configured.strip();
        if (raw.isEmpty() && command.isEmpty())
            throw new IllegalArgumentException("MCP server " + name + ": configure a command (stdio) or a url");
        if (raw.isEmpty()) return null;
        if (!command.isEmpty())
            throw new IllegalArgumentException("MCP server " + name + ": configure a command or a url, not both");
        java.net.URI uri;
        try {
            uri = new java.net.URI(raw);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(
                    "MCP server " + name + ": url '" + raw + "' is no URL: " + e.getMessage());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null)
            throw new IllegalArgumentException(
                    "MCP server " + name + ": url '" + raw + "' must be http:// or https://");
        return uri;
    }

    /** Lower case, and every character a tool name may not have as '-'. */
    static String toolPart(String raw) {
        String s = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]+", "-");
        return s.replaceAll("^[-.]+|[-.]+$", "");
    }

    /** Splits a command line at spaces; double quotes keep spaces inside an argument. No shell is involved. */
    static List<String> split(String line) {
        List<String> parts = new ArrayList<>();
        if (line == null) return parts;
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : line.strip().toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (any) parts.add(current.toString());
                current.setLength(0);
                any = false;
            } else {
                current.append(c);
                any = true;
            }
        }
        if (quoted) throw new IllegalArgumentException("the command has an unclosed double quote: " + line);
        if (any) parts.add(current.toString());
        return parts;
    }

    @Override
    public String name() {
        return "mcp." + name;
    }

    @Override
    public Health check() {
        return health;
    }

    private void start() {
        if (closed) return;
        if (url != null) {
            connect();
            return;
        }
        Sandbox box = sandbox;
        String unavailable =
                box == null ? "no sandbox service is running (bundle procos.sandbox)" : box.unavailableReason();
        if (unavailable != null) {
            retryLater("MCP server " + name + " is not started: it runs only in the sandbox, and " + unavailable);
            return;
        }
        McpSession opened = null;
        Process process = null;
        try {
            List<String> argv = new ArrayList<>(command);
            argv.set(0, onPath(argv.get(0)));
            process = box.start(
                    argv,
                    new Workspace(folder),
                    folder,
                    Map.of("HOME", folder.toString(), "PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C.UTF-8"));
            opened = open(new StdioWire(name, process));
        } catch (Exception e) {
            if (opened == null && process != null) process.destroyForcibly();
            session = null;
            retryLater("MCP server " + name + " did not start: " + e.getMessage());
        }
    }

    /** Opens the session on the wire, lists the tools; the caller reports what fails. */
    private McpSession open(McpSession.Wire wire) throws IOException {
        McpSession s = new McpSession(name, wire, () -> scheduler.execute(this::refreshTools), this::ended);
        try {
            s.initialize(SESSION_TIMEOUT);
        } catch (IOException e) {
            String errors = s.lastErrors();
            String message = errors.isEmpty() || e.getMessage().contains(errors)
                    ? e.getMessage()
                    : e.getMessage() + " (" + errors + ")";
            IOException failed = new IOException(message, e);
            s.close();
            throw failed;
        }
        session = s;
        startedAt = Instant.now();
        if (s.ended()) { // it ended between its answer and now, unseen by ended()
            ended();
            return s;
        }
        refreshTools();
        return s;
    }

    /** A server at a URL: its session, and a ping every 15 s, since nothing else says it went. */
    private void connect() {
        try {
            McpSession s = open(new HttpWire(name, url, config.authorization()));
            scheduler.schedule(() -> ping(s), 15, TimeUnit.SECONDS);
        } catch (IOException e) {
            session = null;
            retryLater("MCP server " + name + " at " + url + " did not answer: " + e.getMessage());
        }
    }

    private void ping(McpSession s) {
        if (closed || session != s) return;
        try {
            s.request("ping", JSON.createObjectNode(), Duration.ofSeconds(10));
            scheduler.schedule(() -> ping(s), 15, TimeUnit.SECONDS);
        } catch (IOException e) {
            s.end("it did not answer a ping: " + e.getMessage());
        }
    }

    /** A program name without a slash, as found on this system's PATH (the sandbox sees the same /usr). */
    private static String onPath(String program) {
        if (program.contains("/")) return program;
        for (String dir : System.getenv()
                .getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin")
                .split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) return p.toString();
        }
        return program;
    }

    private void refreshTools() {
        McpSession s = session;
        if (s == null || closed) return;
        try {
            List<McpSession.RemoteTool> tools = s.listTools(SESSION_TIMEOUT);
            synchronized (registered) {
                if (closed || session != s) return;
                Map<String, McpSession.RemoteTool> wanted = new LinkedHashMap<>();
                for (McpSession.RemoteTool t : tools) {
                    String local = localName(t.name());
                    if (local == null) {
                        LOG.warn(
                                "MCP server {}: tool '{}' has no usable name, not offered",
                                name,
                                McpSession.abbreviate(t.name()));
                    } else if (wanted.putIfAbsent(local, t) != null) {
                        LOG.warn(
                                "MCP server {}: tools '{}' and '{}' have one name here ({}), only the first is offered",
                                name,
                                McpSession.abbreviate(wanted.get(local).name()),
                                McpSession.abbreviate(t.name()),
                                local);
                    }
                }
                // UP before the tools are registered: whoever sees a tool of this server sees it UP
                health = Health.up("MCP server " + name + " (" + s.serverName() + ") offers " + wanted.size()
                        + " tool(s)" + (restarts > 0 ? ", started again " + restarts + " time(s)" : ""));
                registered.entrySet().removeIf(e -> {
                    if (e.getValue().remote().equals(wanted.get(e.getKey()))) return false;
                    unregister(e.getValue().registration());
                    return true;
                });
                for (Map.Entry<String, McpSession.RemoteTool> e : wanted.entrySet()) {
                    if (!registered.containsKey(e.getKey())) register(e.getKey(), e.getValue());
                }
            }
        } catch (IOException e) {
            health = Health.degraded("MCP server " + name + " runs but did not list its tools: " + e.getMessage());
        }
    }

    /** {@code <name>.<tool>} (at most 64 characters), or null when nothing of the tool's name is left. */
    private String localName(String remote) {
        String part = toolPart(remote);
        if (part.isEmpty()) return null;
        String local = name + "." + part;
        return local.length() > 64 ? local.substring(0, 64) : local; // toolPart left only allowed characters
    }

    private static String[] reach(String name, String[] configured, boolean remote) {
        java.util.LinkedHashSet<String> words = new java.util.LinkedHashSet<>();
        for (String w : configured) {
            String word = w.strip();
            if (word.isEmpty()) continue;
            if (!ToolReach.ALL.contains(word))
                LOG.warn("MCP server {}: reach word '{}' is none of {}", name, word, ToolReach.ALL);
            words.add(word);
        }
        if (remote) words.add(ToolReach.NETWORK); // its tools run on another host, or reach one
        return words.toArray(String[]::new);
    }

    private void register(String local, McpSession.RemoteTool remote) {
        Dictionary<String, Object> props = new Hashtable<>();
        if (reach.length > 0) props.put(ToolReach.PROPERTY, reach);
        props.put("procos.tool.source", "mcp:" + name);
        registered.put(
                local, new Offered(context.registerService(Tool.class, new McpTool(local, remote), props), remote));
    }

    private static void unregister(ServiceRegistration<Tool> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException ignored) {
            // already gone with the bundle
        }
    }

    private void unregisterAll() {
        synchronized (registered) {
            registered.values().forEach(o -> unregister(o.registration()));
            registered.clear();
        }
    }

    /** The server's output ended: its tools go, and it is started again later. */
    private void ended() {
        McpSession s = session;
        if (s == null) return; // it ended while being opened: open() reports that, and starts it again once
        session = null;
        unregisterAll();
        if (closed) return;
        String how = s.howEnded();
        String errors = s.lastErrors();
        if (Duration.between(startedAt, Instant.now()).toSeconds() >= 60) restartDelayMillis = 1000;
        restarts++;
        retryLater("MCP server " + name + " ended" + (how == null ? "" : " (" + how + ")")
                + (errors.isEmpty() ? "" : ": " + errors));
    }

    private void retryLater(String why) {
        if (closed) return;
        long delay = restartDelayMillis;
        restartDelayMillis = Math.min(restartDelayMillis * 2, Math.max(1, config.maxRestartDelaySeconds()) * 1000L);
        // DEGRADED, not DOWN: ProcOS works on without this server's tools, as without Docker
        health = Health.degraded(why + "; starting it again in " + Math.max(1, delay / 1000) + " s");
        LOG.warn("{}; starting it again in {} ms", why, delay);
        try {
            scheduler.schedule(this::start, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // deactivated meanwhile
        }
    }

    @Deactivate
    void deactivate() {
        closed = true;
        scheduler.shutdownNow();
        unregisterAll();
        McpSession s = session;
        session = null;
        if (s != null) s.close();
    }

    /** One of the server's tools as a ProcOS tool. */
    final class McpTool implements Tool {
        private final String local;
        private final McpSession.RemoteTool remote;

        McpTool(String local, McpSession.RemoteTool remote) {
            this.local = local;
            this.remote = remote;
        }

        @Override
        public String name() {
            return local;
        }

        @Override
        public String description() {
            String d = remote.description() == null ? "" : remote.description().strip();
            return (d.isEmpty() ? remote.name() : d) + " (tool '" + remote.name() + "' of the MCP server " + name + ")";
        }

        @Override
        public String inputSchema() {
            return remote.inputSchema();
        }

        @Override
        public String outputSchema() {
            return remote.outputSchema();
        }

        @Override
        public ToolResult invoke(Map<String, Object> input, ToolContext toolContext) throws Exception {
            McpSession s = session;
            if (s == null) throw new IOException("MCP server " + name + " is not running: " + health.detail());
            Duration limit = Duration.ofSeconds(Math.max(1, config.callTimeoutSeconds()));
            Duration left = Duration.between(Instant.now(), toolContext.deadline());
            if (left.compareTo(limit) < 0) limit = left.isNegative() ? Duration.ofMillis(1) : left;
            JsonNode result;
            try {
                result = s.callTool(remote.name(), input, limit);
            } catch (McpSession.RemoteError e) {
                return ToolResult.error(
                        "the MCP server " + name + " refused the call to " + remote.name() + ": " + e.getMessage());
            }
            return toResult(result);
        }
    }

    /** A {@code tools/call} result as a ProcOS result: its structured content, else its text. */
    static ToolResult toResult(JsonNode result) {
        StringBuilder text = new StringBuilder();
        List<Object> parts = new ArrayList<>();
        for (JsonNode c : result.path("content")) {
            String type = c.path("type").asText();
            if (type.equals("text")) {
                if (text.length() > 0) text.append('\n');
                text.append(c.path("text").asText());
            } else {
                String what =
                        type + (c.has("mimeType") ? " " + c.path("mimeType").asText() : "");
                if (text.length() > 0) text.append('\n');
                text.append('[').append(what).append(']');
            }
            parts.add(JSON.convertValue(c, Object.class));
        }
        if (result.path("isError").asBoolean(false))
            return ToolResult.error(text.length() == 0 ? "the MCP tool failed and said nothing more" : text.toString());
        Map<String, Object> content = new LinkedHashMap<>();
        JsonNode structured = result.path("structuredContent");
        if (structured.isObject()) {
            content.putAll(JSON.convertValue(structured, Map.class));
        } else {
            content.put("text", text.toString());
            if (parts.stream().anyMatch(p -> !"text".equals(((Map<?, ?>) p).get("type"))))
                content.put("content", parts);
        }
        return ToolResult.ok(content, text.toString());
    }
}
