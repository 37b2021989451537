package io.procos.tools.matlab.internal;

import io.procos.api.health.Health;
import io.procos.api.health.HealthContributor;
import io.procos.api.tool.Tool;
import io.procos.api.tool.Workspace;
import java.nio.file.Path;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

/** Publishes matlab.run; the "matlab" health check says which engine runs the scripts, or that none is installed. */
@Component(immediate = true, service = HealthContributor.class, configurationPid = MatlabConfiguration.PID)
@Designate(ocd = MatlabConfiguration.class)
public final class MatlabToolComponent implements HealthContributor {

    private final MatlabConfiguration config;
    private final ServiceRegistration<Tool> registration;

    @Activate
    public MatlabToolComponent(BundleContext context, MatlabConfiguration config) throws Exception {
        this.config = config;
        String home = context.getProperty("procos.home");
        Workspace workspace = new Workspace(Path.of(home == null ? "." : home).resolve(config.workspace()));
        this.registration = context.registerService(Tool.class, new MatlabRunTool(this::engine, workspace, config), null);
    }

    /** Looked up at each call: installing Octave or MATLAB later needs no restart. */
    private Optional<MatlabEngine> engine() {
        return MatlabEngine.find(config.matlabCommand(), config.octaveCommand());
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
    }

    @Override
    public String name() {
        return "matlab";
    }

    @Override
    public Health check() {
        return engine().map(e -> Health.up(e.kind() + " at " + e.executable()))
                .orElse(Health.degraded("neither MATLAB nor GNU Octave is installed: matlab.run answers with an error"));
    }
}
