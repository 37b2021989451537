package io.procos.das.internal;

import io.procos.api.memory.Memory;
import io.procos.api.memory.MemoryItem;
import io.procos.api.memory.Relation;
import io.procos.api.tool.Tool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Monitoring: tools appearing and disappearing (bundles dropped into or taken out of tools/) are
 * remembered, each version once (the item id names tool and version, and memory writes are idempotent).
 */
@Component(service = ToolWatcher.class, immediate = true)
public final class ToolWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(ToolWatcher.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Memory memory;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addTool(ServiceReference<Tool> ref, Tool tool) {
        remember(ref, tool, "available");
    }

    void removeTool(ServiceReference<Tool> ref, Tool tool) {
        // ProcOS stopping takes every tool away: that is no change worth remembering
        Bundle framework = ref.getBundle() == null
                ? null
                : ref.getBundle().getBundleContext() == null
                        ? null
                        : ref.getBundle().getBundleContext().getBundle(0);
        if (framework != null && framework.getState() == Bundle.STOPPING) return;
        remember(ref, tool, "removed");
    }

    private void remember(ServiceReference<Tool> ref, Tool tool, String what) {
        Memory m = memory;
        if (m == null) return;
        try {
            String version =
                    ref.getBundle() == null ? "" : ref.getBundle().getVersion().toString();
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("tool", tool.name());
            props.put("bundle", ref.getBundle() == null ? "" : ref.getBundle().getSymbolicName());
            props.put("version", version);
            props.put("change", what);
            m.remember(new MemoryItem(
                    "tool-" + what + ":" + tool.name() + ":" + version,
                    "tool-event",
                    "Tool " + tool.name() + " " + what + ": " + tool.description(),
                    props,
                    List.of(Relation.to("ABOUT", Relation.Node.tool(tool.name()))),
                    null));
        } catch (RuntimeException e) {
            LOG.debug("A tool change could not be remembered: {}", e.getMessage());
        }
    }
}
