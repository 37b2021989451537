package io.procos.tools.docker.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.procos.api.health.Health;
import io.procos.api.health.HealthContributor;
import io.procos.api.tool.Tool;
import io.procos.api.tool.Workspace;
import java.nio.file.Path;
import java.time.Duration;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Publishes docker.run. The tool stays listed when no engine is reachable (calls then answer a clear
 * tool error) and the "docker" health check says so.
 */
@Component(immediate = true, service = HealthContributor.class, configurationPid = DockerConfiguration.PID)
@Designate(ocd = DockerConfiguration.class)
public final class DockerToolComponent implements HealthContributor {

    private final String host;
    private final ServiceRegistration<Tool> registration;
    private volatile DockerClient client;
    private volatile long checkedAt;
    private volatile Health lastHealth;

    @Activate
    public DockerToolComponent(BundleContext context, DockerConfiguration config) throws Exception {
        String configured = config.host().isBlank() ? System.getenv("DOCKER_HOST") : config.host();
        this.host = configured == null || configured.isBlank() ? "unix:///var/run/docker.sock" : configured;
        String home = context.getProperty("procos.home");
        Workspace workspace = new Workspace(Path.of(home == null ? "." : home).resolve(config.workspace()));
        this.registration = context.registerService(Tool.class, new DockerRunTool(this::client, workspace, config), null);
    }

    /** Built on first use: docker-java finds parts of itself through the context class loader. */
    synchronized DockerClient client() {
        if (client == null) client = connect(host);
        return client;
    }

    static DockerClient connect(String host) {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(DockerToolComponent.class.getClassLoader());
        try {
            DockerClientConfig cfg = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
            return DockerClientImpl.getInstance(cfg, new ZerodepDockerHttpClient.Builder().dockerHost(cfg.getDockerHost())
                    .connectionTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofMinutes(65)).build());
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    @Deactivate
    void deactivate() throws Exception {
        registration.unregister();
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
            h = Health.degraded("no Docker engine reachable at " + host + " (" + e.getMessage() + "): docker.run answers with an error");
        }
        lastHealth = h;
        checkedAt = System.currentTimeMillis();
        return h;
    }
}
