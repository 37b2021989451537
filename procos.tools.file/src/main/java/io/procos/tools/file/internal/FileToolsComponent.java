package io.procos.tools.file.internal;

import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolReach;
import io.procos.api.tool.Workspace;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

/** Publishes file.read, file.write and file.list over one workspace folder from configuration. */
@Component(immediate = true, service = {}, configurationPid = FileToolsConfiguration.PID)
@Designate(ocd = FileToolsConfiguration.class)
public final class FileToolsComponent {

    private final List<ServiceRegistration<Tool>> registrations;

    @Activate
    public FileToolsComponent(BundleContext context, FileToolsConfiguration config) throws Exception {
        String home = context.getProperty("procos.home");
        Path root = Path.of(home == null ? "." : home).resolve(config.root());
        Workspace workspace = new Workspace(root);
        this.registrations = List.of(
                context.registerService(Tool.class, new FileTools.Read(workspace, config.maxReadBytes()),
                        reach(ToolReach.READS_WORKSPACE)),
                // writing needs no read: the tool returns only the size it wrote
                context.registerService(Tool.class, new FileTools.Write(workspace, config.maxWriteBytes()),
                        reach(ToolReach.WRITES_WORKSPACE)),
                context.registerService(Tool.class, new FileTools.ListFiles(workspace, config.maxListEntries()),
                        reach(ToolReach.READS_WORKSPACE)));
    }

    private static Dictionary<String, Object> reach(String... words) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ToolReach.PROPERTY, words);
        return props;
    }

    @Deactivate
    void deactivate() {
        registrations.forEach(ServiceRegistration::unregister);
    }
}
