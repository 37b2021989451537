package io.procos.tools.matlab.internal;

import io.procos.api.health.Health;
import io.procos.api.health.HealthContributor;
import io.procos.api.tool.Sandbox;
import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolReach;
import io.procos.api.tool.Workspace;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Publishes matlab.run, which runs scripts only inside the {@link Sandbox}; the "matlab" health check says
 * which engine runs them in which sandbox, or what is missing.
 */
@Component(immediate = true, service = HealthContributor.class, configurationPid = MatlabConfiguration.PID)
@Designate(ocd = MatlabConfiguration.class)
public final class MatlabToolComponent implements HealthContributor {

    private final MatlabConfiguration config;
    private final ServiceRegistration<Tool> registration;

    /**
     * Optional and dynamic, not a constructor parameter: without a sandbox matlab.run stays in the catalogue
     * and answers why it runs nothing, and reconfiguring the sandbox does not withdraw the tool mid-task.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Sandbox sandbox;

    @Activate
    public MatlabToolComponent(BundleContext context, MatlabConfiguration config) throws Exception {
        this.config = config;
        String home = context.getProperty("procos.home");
        Workspace workspace = new Workspace(Path.of(home == null ? "." : home).resolve(config.workspace()));
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(ToolReach.PROPERTY, new String[] {ToolReach.RUNS_CODE, ToolReach.READS_WORKSPACE, ToolReach.WRITES_WORKSPACE});
        this.registration = context.registerService(Tool.class,
                new MatlabRunTool(this::engine, () -> Optional.ofNullable(sandbox), workspace, config), properties);
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
        Optional<MatlabEngine> engine = engine();
        if (engine.isEmpty()) return Health.degraded("neither MATLAB nor GNU Octave is installed: matlab.run answers with an error");
        Sandbox box = sandbox;
        String unavailable = box == null ? "no sandbox service is running (bundle procos.sandbox)" : box.unavailableReason();
        if (unavailable != null) return Health.degraded("matlab.run runs no scripts without a sandbox: " + unavailable);
        return Health.up(engine.get().kind() + " at " + engine.get().executable() + ", in " + box.name());
    }
}
