package io.procos.tools.docker.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.procos.api.health.Health;
import io.procos.api.health.HealthContributor;
import io.procos.api.tool.Workspace;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker engine docker.run talks to, from configuration: the client, the workspace and its mount, and the
 * labels of this ProcOS's containers, shared by the docker.run components ({@link DockerRun}). On activation
 * it removes the containers an earlier start of this ProcOS left behind, except those of calls that may be made
 * again. The tool stays listed when no engine
 * is reachable (calls then answer a clear tool error) and the "docker" health check says so.
 */
// immediate: the leftovers go when ProcOS starts, not at the first call
@Component(
        immediate = true,
        service = {DockerEngine.class, HealthContributor.class},
        configurationPid = DockerConfiguration.PID)
@Designate(ocd = DockerConfiguration.class)
public final class DockerEngine implements HealthContributor {

    private static final Logger LOG = LoggerFactory.getLogger(DockerEngine.class);

    /**
     * One per start of ProcOS (per load of this class): a reconfigured component keeps it, so its
     * reactivation does not remove the containers of tasks still running.
     */
    static final String START = UUID.randomUUID().toString();

    /** When this ProcOS started: an ended container of an earlier start is kept for a while counted from here. */
    static final Instant STARTED_AT = Instant.now();

    private final String host;
    private final DockerConfiguration config;
    private final Workspace workspace;
    private final ContainerOwner owner;
    private final WorkspaceMount mount;
    private volatile DockerClient client;
    private volatile long checkedAt;
    private volatile Health lastHealth;

    @Activate
    public DockerEngine(BundleContext context, DockerConfiguration config) throws Exception {
        this(home(context), config, context.getProperty(Workspace.ROOT_PROPERTY));
    }

    DockerEngine(Path home, DockerConfiguration config) throws Exception {
        this(home, config, null);
    }

    DockerEngine(Path home, DockerConfiguration config, String nodeWorkspace) throws Exception {
        String configured = config.host().isBlank() ? System.getenv("DOCKER_HOST") : config.host();
        this.host = configured == null || configured.isBlank() ? "unix:///var/run/docker.sock" : configured;
        this.config = config;
        Path homePath = home.toAbsolutePath().normalize();
        this.workspace = new Workspace(Workspace.rootOf(homePath, config.workspace(), nodeWorkspace));
        this.owner = new ContainerOwner(
                homePath.toString(), START, STARTED_AT, Duration.ofMinutes(Math.max(0, config.keepEndedMinutes())));
        this.mount = new WorkspaceMount(workspace.root());
        String user = config.user().strip();
        int[] ids = WorkspaceMount.numericUser(user);
        if (user.isEmpty() || user.startsWith("root") || ids != null && ids[0] == 0) {
            LOG.warn(
                    "docker.run containers run as {} (user in conf/{}.cfg): root in a container is root on the files it can reach",
                    user.isEmpty() ? "the image's user" : user,
                    DockerConfiguration.PID);
        }
        removeLeftovers();
    }

    private static Path home(BundleContext context) {
        String home = context.getProperty("procos.home");
        return Path.of(home == null ? "." : home);
    }

    DockerConfiguration config() {
        return config;
    }

    Workspace workspace() {
        return workspace;
    }

    WorkspaceMount mount() {
        return mount;
    }

    ContainerOwner owner() {
        return owner;
    }

    /**
     * At start: removes the containers of earlier starts that no call made again can want (see
     * {@link ContainerOwner#sweep}); those of calls that may still be made again stay for now.
     */
    int removeLeftovers() {
        try {
            int removed = owner.sweep(client(), Instant.now());
            LOG.info(
                    "removed {} container(s) that an earlier start of ProcOS left on the Docker engine at {}; those of "
                            + "calls that may be made again stay for keepEndedMinutes",
                    removed,
                    host);
            return removed;
        } catch (RuntimeException e) {
            LOG.warn(
                    "could not look for containers an earlier start of ProcOS left behind (Docker engine at {}: {}); "
                            + "docker.run looks again when it runs",
                    host,
                    e.getMessage());
            return 0;
        }
    }

    /** Built on first use: docker-java finds parts of itself through the context class loader. */
    synchronized DockerClient client() {
        if (client == null) client = connect(host);
        return client;
    }

    static DockerClient connect(String host) {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(DockerEngine.class.getClassLoader());
        try {
            DockerClientConfig cfg = DefaultDockerClientConfig.createDefaultConfigBuilder()
                    .withDockerHost(host)
                    .build();
            return DockerClientImpl.getInstance(
                    cfg,
                    new ZerodepDockerHttpClient.Builder()
                            .dockerHost(cfg.getDockerHost())
                            .connectionTimeout(Duration.ofSeconds(5))
                            .responseTimeout(Duration.ofMinutes(65))
                            .build());
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    @Deactivate
    void deactivate() throws Exception {
        mount.release();
        if (client != null) client.close();
    }

    @Override
    public String name() {
        return "docker";
    }

    @Override
    public Health check() {
        if (lastHealth != null && System.currentTimeMillis() - checkedAt < 5000) return lastHealth;
        Health h;
        try {
            client().pingCmd().exec();
            h = Health.up("Docker engine at " + host);
        } catch (RuntimeException e) {
            h = Health.degraded("no Docker engine reachable at " + host + " (" + e.getMessage()
                    + "): docker.run answers with an error");
        }
        lastHealth = h;
        checkedAt = System.currentTimeMillis();
        return h;
    }
}
