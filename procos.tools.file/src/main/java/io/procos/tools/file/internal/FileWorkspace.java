package io.procos.tools.file.internal;

import io.procos.api.tool.Workspace;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The one workspace folder, its record of file.write calls and the limits that file.read, file.write and file.list
 * share, from configuration.
 * A service whose type is private to this bundle: each file tool is a component that references it, so a new
 * configuration replaces the workspace and the three tools together.
 */
// immediate: the folder is made when the bundle starts, not at the first call
@Component(immediate = true, service = FileWorkspace.class, configurationPid = FileToolsConfiguration.PID)
@Designate(ocd = FileToolsConfiguration.class)
public final class FileWorkspace {

    private final Workspace workspace;
    private final FileToolsConfiguration config;
    private final CallLedger ledger;

    @Activate
    public FileWorkspace(BundleContext context, FileToolsConfiguration config) throws IOException {
        this(home(context), config, context.getProperty(Workspace.ROOT_PROPERTY));
    }

    FileWorkspace(Path home, FileToolsConfiguration config) throws IOException {
        this(home, config, null);
    }

    FileWorkspace(Path home, FileToolsConfiguration config, String nodeWorkspace) throws IOException {
        this.workspace = new Workspace(Workspace.rootOf(home, config.root(), nodeWorkspace));
        this.config = config;
        this.ledger = new CallLedger(workspace, Duration.ofDays(Math.max(1, config.keepCallsDays())));
    }

    private static Path home(BundleContext context) {
        String home = context.getProperty("procos.home");
        return Path.of(home == null ? "." : home);
    }

    Workspace workspace() {
        return workspace;
    }

    CallLedger ledger() {
        return ledger;
    }

    FileToolsConfiguration config() {
        return config;
    }
}
