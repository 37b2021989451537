package io.procos.api.tool;

import java.time.Instant;
import org.osgi.annotation.versioning.ProviderType;

/** What a tool is told about the call it serves. */
@ProviderType
public interface ToolContext {

    /**
     * Identifies the call: the task it serves and the attempt. It is the same when a call that a crash of ProcOS
     * interrupted (while the tool ran, or after it ended and before its result was recorded) is made again, and
     * different for a retry after a reported failure. Tools with effects use it as their idempotency key: calls are
     * made at least once, and their effects happen once for tools that honour the key (a call made again with a key
     * already seen has no second effect and answers the earlier call's result).
     */
    String taskId();

    /** When the caller stops waiting; tools should give up before. */
    Instant deadline();

    /** True once the caller gave up or the tool is being removed: stop and return. */
    boolean cancelled();
}
