package io.procos.tde.internal;

import io.procos.api.tde.TaskRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one attempt of a task has already decided and done, until its run is recorded ({@link #forget}). When
 * the transaction that decided cannot commit (the engine retries the job), or a tool call's end could not be
 * recorded and the call is made again in this JVM, the retry finds the decision and the tool's outcome here
 * and does not ask the planner or run the tool a second time. Entries are per attempt (a real retry of a
 * failed task decides afresh), expire after {@value #TTL_MILLIS} ms and are bounded in number; after a
 * stop of ProcOS the memo is empty, so a tool whose transaction never committed runs again (tools get
 * the task id as idempotency key for that case).
 */
final class AttemptMemo {

    static final long TTL_MILLIS = 10 * 60_000L;
    static final int MAX_ENTRIES = 10_000;

    AttemptMemo() {}

    private record Entry(Object value, long at) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** The key of a step of this attempt, or null when the request belongs to no task (nothing is remembered). */
    static String key(TaskRequest request, String step) {
        return request.taskId() == null ? null : request.taskId() + "#" + request.attempt() + "#" + step;
    }

    @SuppressWarnings("unchecked")
    <T> T get(String key, Class<T> type) {
        if (key == null) return null;
        Entry e = entries.get(key);
        if (e == null || System.currentTimeMillis() - e.at() > TTL_MILLIS || !type.isInstance(e.value())) return null;
        return (T) e.value();
    }

    /** The attempt's run is recorded: its entries are of no more use. */
    void forget(String taskId, int attempt) {
        if (taskId == null) return;
        String prefix = taskId + "#" + attempt + "#";
        for (String step : new String[] {"decide", "execute"}) entries.remove(prefix + step);
    }

    void put(String key, Object value) {
        if (key == null) return;
        long now = System.currentTimeMillis();
        if (entries.size() >= MAX_ENTRIES) {
            entries.values().removeIf(e -> now - e.at() > TTL_MILLIS);
            if (entries.size() >= MAX_ENTRIES) entries.clear(); // only under a flood of tasks: a memo, not a record
        }
        entries.put(key, new Entry(value, now));
    }
}
