package io.procos.tools.matlab.internal;

import io.procos.api.health.Health;
import io.procos.api.health.HealthContributor;
import io.procos.api.tool.Sandbox;
import io.procos.api.tool.Workspace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Where matlab.run runs scripts, from configuration: the workspace, MATLAB or GNU Octave, and the
 * {@link Sandbox}; shared with the matlab.run component ({@link MatlabRunTool}). The "matlab" health check
 * says which engine runs scripts in which sandbox, or what is missing.
 */
@Component(
        immediate = true,
        service = {MatlabEnvironment.class, HealthContributor.class},
        configurationPid = MatlabConfiguration.PID)
@Designate(ocd = MatlabConfiguration.class)
public final class MatlabEnvironment implements HealthContributor {

    private final MatlabConfiguration config;
    private final Workspace workspace;

    /**
     * Optional and dynamic, not a constructor parameter: without a sandbox matlab.run stays in the catalogue
     * and answers why it runs nothing, and reconfiguring the sandbox does not withdraw the tool mid-task.
     */
    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Sandbox sandbox;

    @Activate
    public MatlabEnvironment(BundleContext context, MatlabConfiguration config) throws IOException {
        this(home(context), config, context.getProperty(Workspace.ROOT_PROPERTY));
    }

    MatlabEnvironment(Path home, MatlabConfiguration config) throws IOException {
        this(home, config, null);
    }

    MatlabEnvironment(Path home, MatlabConfiguration config, String nodeWorkspace) throws IOException {
        this.config = config;
        this.workspace = new Workspace(Workspace.rootOf(home, config.workspace(), nodeWorkspace));
    }

    private static Path home(BundleContext context) {
        String home = context.getProperty("procos.home");
        return Path.of(home == null ? "." : home);
    }

    /** Looked up at each call: installing Octave or MATLAB later needs no restart. */
    Optional<MatlabEngine> engine() {
        return MatlabEngine.find(config.matlabCommand(), config.octaveCommand());
    }

    /** The sandbox now, if there is one. */
    Optional<Sandbox> sandbox() {
        return Optional.ofNullable(sandbox);
    }

    Workspace workspace() {
        return workspace;
    }

    MatlabConfiguration config() {
        return config;
    }

    @Override
    public String name() {
        return "matlab";
    }

    @Override
    public Health check() {
        Optional<MatlabEngine> engine = engine();
        if (engine.isEmpty())
            return Health.degraded("neither MATLAB nor GNU Octave is installed: matlab.run answers with an error");
        Sandbox box = sandbox;
        String unavailable =
                box == null ? "no sandbox service is running (bundle procos.sandbox)" : box.unavailableReason();
        if (unavailable != null) return Health.degraded("matlab.run runs no scripts without a sandbox: " + unavailable);
        return Health.up(engine.get().kind() + " at " + engine.get().executable() + ", in " + box.name());
    }
}
