package io.procos.api.tool;

import java.time.Instant;
import org.osgi.annotation.versioning.ProviderType;

/** What a tool is told about the call it serves. */
@ProviderType
public interface ToolContext {

    /** The task this call serves; the same on a retry, so tools can use it as an idempotency key. */
    String taskId();

    /** When the caller stops waiting; tools should give up before. */
    Instant deadline();

    /** True once the caller gave up or the tool is being removed: stop and return. */
    boolean cancelled();
}
