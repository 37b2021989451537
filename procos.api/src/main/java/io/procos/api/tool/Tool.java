package io.procos.api.tool;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A deterministic capability the task executor can choose for a task. Register an implementation as an
 * OSGi service; ProcOS finds it by its {@link #name()} when it decides, with no change to any BPMN.
 *
 * <p>Values crossing this interface are JSON values in Java form: {@code Map<String, Object>},
 * {@code List<Object>}, {@code String}, {@code Number}, {@code Boolean} and {@code null}.
 */
@ConsumerType
public interface Tool {

    /** Name pattern: lower-case letters, digits, dot, dash and underscore, e.g. {@code file.write}. */
    String NAME_PATTERN = "[a-z0-9_.-]{1,64}";

    /** Stable, unique name, matching {@link #NAME_PATTERN}. */
    String name();

    /** What the tool does and when to use it, written for an LLM (and a person) choosing a tool. */
    String description();

    /** JSON Schema (draft 2020-12, as JSON text) of the input object. */
    String inputSchema();

    /** JSON Schema of {@link ToolResult#content()}, or null when the tool does not promise one. */
    default String outputSchema() {
        return null;
    }

    /**
     * Does the work. A failure the caller can act on (bad path, image not found, non-zero exit the
     * caller asked to treat as failure) is returned as {@link ToolResult#error(String)}; an exception
     * means the tool itself broke. Long work checks {@link ToolContext#cancelled()} and the deadline.
     */
    ToolResult invoke(Map<String, Object> input, ToolContext context) throws Exception;
}
