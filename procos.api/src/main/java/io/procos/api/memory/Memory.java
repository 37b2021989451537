package io.procos.api.memory;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * ProcOS memory. {@link #remember} never blocks on the stores: an item is written ahead to disk,
 * kept in short-term memory (recallable at once), and written to the long-term stores (graph and
 * vectors) in batches; nothing accepted is lost across a restart or while a store is down.
 */
@ProviderType
public interface Memory {

    /**
     * Accepts an item; the answer is the item as kept (with its id and time).
     *
     * @throws MemoryFullException when the backlog waiting for the stores is at its bound
     */
    MemoryItem remember(MemoryItem item);

    /** The items nearest in meaning to {@code query}, best first. */
    List<Hit> recall(String query, Recall recall);

    /** The graph of one domain process instance: the instance, its process, tasks, decisions, tools and errors. */
    Graph instanceGraph(String instanceId);

    /** Which tools decisions for tasks like this one used, and how they did: most used first. */
    List<ToolUse> toolsForTasksLike(String taskText, int k);

    /** Which errors followed decisions that used this tool: most frequent first. */
    List<ErrorCount> errorsAfter(String tool, int limit);

    /** Items accepted but not yet in the long-term stores. */
    long backlog();

    /** Thrown when memory cannot accept more until the stores catch up. */
    final class MemoryFullException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MemoryFullException(String message) {
            super(message);
        }
    }
}
