package io.procos.api.tool;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The tools that exist right now. Tools come and go with their bundles; the catalogue never keeps a
 * tool object past its removal, and a call in flight when its tool goes away ends with a tool error.
 */
@ProviderType
public interface ToolCatalog {

    /** The tool used for each name (the winner where several claim one), sorted by name. */
    List<ToolDescriptor> tools();

    Optional<ToolDescriptor> tool(String name);

    /** Names claimed by more than one service. */
    List<ToolConflict> conflicts();

    /**
     * Calls a tool. Unknown tool, timeout, removal during the call and a crashing tool all come back as
     * a tool error that says so; this method itself never hangs past {@code timeout} plus a short grace.
     */
    ToolResult invoke(String name, Map<String, Object> input, String taskId, Duration timeout);
}
