package io.procos.pdo.internal;

import io.procos.api.health.Health;
import io.procos.api.health.HealthContributor;
import io.procos.api.process.ProcessService;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Duration;
import org.camunda.bpm.engine.ProcessEngine;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the embedded engine inside OSGi: builds it in the background (so the framework's start is
 * not held up), resolves BPMN delegate names to services registered with {@value #DELEGATE_NAME},
 * and, once the engine is ready, publishes the {@link ProcessService} and the engine's own services.
 */
@Component(immediate = true, configurationPid = EngineConfiguration.PID, service = HealthContributor.class)
@Designate(ocd = EngineConfiguration.class)
public final class EngineComponent implements HealthContributor {

    /** Service property naming a delegate for BPMN expressions, e.g. {@code procosTdeDecide}. */
    public static final String DELEGATE_NAME = "procos.delegate.name";
    private static final Logger LOG = LoggerFactory.getLogger(EngineComponent.class);

    private final BundleContext context;
    private final EngineSettings settings;
    private final Map<String, ServiceReference<Object>> delegates = new ConcurrentHashMap<>();
    private final ServiceTracker<Object, Object> delegateTracker;
    private final Thread starter;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private volatile Orchestrator orchestrator;
    private volatile String failure;

    @Activate
    public EngineComponent(BundleContext context, EngineConfiguration config) throws Exception {
        this.context = context;
        Path home = Path.of(context.getProperty("procos.home") == null ? "." : context.getProperty("procos.home"));
        String url = config.jdbcUrl().isBlank()
                ? EngineSettings.h2File(home.resolve("data/engine/procos")) : config.jdbcUrl();
        if (url.startsWith("jdbc:h2:file:")) Files.createDirectories(home.resolve("data/engine"));
        this.settings = new EngineSettings(url, config.jdbcUser(), config.jdbcPassword(), config.maxConnections(),
                config.historyLevel(), config.jobExecutorThreads(), config.maxTaskAttempts(),
                Duration.ofMillis(config.retryBackoffMillis()), Duration.ofSeconds(config.safetyNetSeconds()),
                Duration.ofMinutes(30), 100, config.orchestratorStepHistory(), config.historyCleanupWindow(),
                config.defaultToolPolicy());
        this.delegateTracker = new ServiceTracker<>(context, context.createFilter("(" + DELEGATE_NAME + "=*)"), null) {
            @Override
            public Object addingService(ServiceReference<Object> reference) {
                delegates.merge(String.valueOf(reference.getProperty(DELEGATE_NAME)), reference,
                        (a, b) -> a.compareTo(b) >= 0 ? a : b); // highest ranking wins
                return context.getService(reference);
            }

            @Override
            public void removedService(ServiceReference<Object> reference, Object service) {
                delegates.remove(String.valueOf(reference.getProperty(DELEGATE_NAME)), reference);
                context.ungetService(reference);
            }
        };
        delegateTracker.open();
        String nodeId = InetAddress.getLocalHost().getHostName() + ":" + Integer.toHexString(home.toAbsolutePath().hashCode());
        this.starter = new Thread(() -> start(nodeId), "procos-engine-start");
        starter.start();
    }

    private void start(String nodeId) {
        try {
            Orchestrator o = new Orchestrator(settings, nodeId, this::delegate);
            orchestrator = o;
            register(ProcessService.class.getName(), o.processService());
            ProcessEngine engine = o.engine();
            // for operators' tools (the web console lists them); ProcOS bundles use ProcessService only
            register(ProcessEngine.class.getName(), engine);
            register("org.camunda.bpm.engine.RuntimeService", engine.getRuntimeService());
            register("org.camunda.bpm.engine.RepositoryService", engine.getRepositoryService());
            register("org.camunda.bpm.engine.HistoryService", engine.getHistoryService());
            register("org.camunda.bpm.engine.ManagementService", engine.getManagementService());
            register("org.camunda.bpm.engine.ExternalTaskService", engine.getExternalTaskService());
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

    private Object delegate(String name) {
        ServiceReference<Object> ref = delegates.get(name);
        return ref == null ? null : delegateTracker.getService(ref);
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
        delegateTracker.close();
    }

    @Override
    public String name() {
        return "engine";
    }

    @Override
    public Health check() {
        if (failure != null) return Health.down("the engine did not start: " + failure);
        Orchestrator o = orchestrator;
        if (o == null) return Health.down("the engine is starting");
        for (String needed : List.of("procosTdeDecide", "procosTdeExecute", "procosTdeLog")) {
            if (delegate(needed) == null) return Health.degraded("no task executor delegate '" + needed + "' (is procos.tde active?)");
        }
        return Health.up("running on " + redacted(settings.jdbcUrl()) + ", job executor "
                + (o.jobExecutorActive() ? "active" : "stopped"));
    }

    private static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }
}
