package io.procos.pdo.internal;

import io.procos.api.health.Health;
import io.procos.api.health.HealthContributor;
import io.procos.api.process.InstanceEvent;
import io.procos.api.process.ProcessService;
import io.procos.api.tde.TaskExecutor;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the embedded engine inside OSGi: builds it in the background (so the framework's start is not
 * held up), hands tde.bpmn's steps the {@link TaskExecutor} service there is when each runs, and, once the
 * engine is ready, publishes the {@link ProcessService}. No engine type leaves this bundle.
 */
// REQUIRE: the engine starts once, on the database conf/io.procos.pdo.engine.cfg names (the distribution ships
// that file), not first on the default H2 file and again when the configuration arrives
@Component(
        immediate = true,
        configurationPid = EngineConfiguration.PID,
        configurationPolicy = org.osgi.service.component.annotations.ConfigurationPolicy.REQUIRE,
        service = HealthContributor.class)
@Designate(ocd = EngineConfiguration.class)
public final class EngineComponent implements HealthContributor {

    private static final Logger LOG = LoggerFactory.getLogger(EngineComponent.class);

    private final BundleContext context;
    private final EngineSettings settings;
    private final String nodeId;

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile TaskExecutor executor;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin events;

    private final Thread starter;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private volatile EmbeddedEngine orchestrator;
    private volatile String failure;

    @Activate
    public EngineComponent(BundleContext context, EngineConfiguration config) throws Exception {
        this.context = context;
        Path home = Path.of(context.getProperty("procos.home") == null ? "." : context.getProperty("procos.home"));
        String url = config.jdbcUrl().isBlank()
                ? EngineSettings.h2File(home.resolve("data/engine/procos"))
                : config.jdbcUrl();
        if (url.startsWith("jdbc:h2:file:")) Files.createDirectories(home.resolve("data/engine"));
        this.settings = EngineSettings.builder(url, config.jdbcUser(), config.jdbcPassword())
                .maxConnections(config.maxConnections())
                .history(config.historyLevel(), config.orchestratorStepHistory())
                .jobExecutorThreads(config.jobExecutorThreads())
                .retry(config.maxTaskAttempts(), Duration.ofMillis(config.retryBackoffMillis()))
                .safetyNet(Duration.ofSeconds(config.safetyNetSeconds()))
                .cleanupWindow(config.historyCleanupWindow())
                .defaultToolPolicy(config.defaultToolPolicy())
                .toolCalls(config.toolCallThreads(), Duration.ofSeconds(config.toolLockSeconds()))
                .jobLock(Duration.ofSeconds(config.jobLockSeconds()))
                .build();
        String nodeId = nodeId(config, home);
        this.nodeId = nodeId;
        this.starter = new Thread(() -> start(nodeId), "procos-engine-start");
        starter.start();
    }

    /**
     * The configured node id, or the one generated into {@code data/node-id} on first start: stable across
     * restarts (this node's stale locks are released at start by it) and unique however alike two nodes'
     * host names and folders are.
     */
    static String nodeId(EngineConfiguration config, Path home) throws java.io.IOException {
        if (!config.nodeId().isBlank()) return config.nodeId().strip();
        Path file = home.resolve("data/node-id");
        if (Files.isRegularFile(file)) {
            String id = Files.readString(file).strip();
            if (!id.isEmpty()) return id;
        }
        Files.createDirectories(file.getParent());
        String id = InetAddress.getLocalHost().getHostName() + "-" + java.util.UUID.randomUUID();
        Path tmp = Files.createTempFile(file.getParent(), "node-id", ".tmp");
        Files.writeString(tmp, id + "\n");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return id;
    }

    private void start(String nodeId) {
        try {
            // the TDE's steps ask for the task executor each time they run: it may come and go with procos.tde
            EmbeddedEngine o = new EmbeddedEngine(settings, nodeId, () -> executor);
            orchestrator = o;
            o.onInstanceChanged(id -> {
                EventAdmin e = events;
                if (e != null) e.postEvent(new Event(InstanceEvent.TOPIC, Map.of(InstanceEvent.INSTANCE_ID, id)));
            });
            // the engine's own services stay inside this bundle: other bundles use ProcessService and TaskExecutor
            register(ProcessService.class.getName(), o.processService());
        } catch (RuntimeException e) {
            failure = e.toString();
            LOG.error("The engine did not start on {}", settings.jdbcUrl(), e);
        }
    }

    private synchronized void register(String type, Object service) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_DESCRIPTION, "ProcOS engine");
        registrations.add(context.registerService(type, service, props));
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        starter.join();
        synchronized (this) {
            registrations.forEach(r -> {
                try {
                    r.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the bundle is stopping
                }
            });
            registrations.clear();
        }
        if (orchestrator != null) orchestrator.close();
    }

    @Override
    public String name() {
        return "engine";
    }

    @Override
    public Health check() {
        if (failure != null) return Health.down("the engine did not start: " + failure);
        EmbeddedEngine o = orchestrator;
        if (o == null) return Health.down("the engine is starting");
        if (executor == null)
            return Health.degraded("no task executor service (is procos.tde active?): tasks wait and are retried");
        return Health.up("running on " + redacted(settings.jdbcUrl()) + " as node " + nodeId + ", job executor "
                + (o.jobExecutorActive() ? "active" : "stopped") + ", tool calls: " + o.toolCallsSummary()
                + "; workspace " + context.getProperty(io.procos.api.tool.Workspace.ROOT_PROPERTY));
    }

    private static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }
}
