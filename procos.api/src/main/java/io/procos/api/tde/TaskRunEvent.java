package io.procos.api.tde;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The EventAdmin event of a finished task run, on topic {@value #TOPIC}: the {@link TaskRun} itself under
 * {@value #RUN}, and beside it, for event filters, its status, tool and process key. The one place where
 * a run becomes event properties and back.
 */
public final class TaskRunEvent {

    public static final String TOPIC = "io/procos/tde/RUN";
    public static final String RUN = "run";

    private TaskRunEvent() {}

    public static Map<String, Object> properties(TaskRun run) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(RUN, run);
        p.put("status", run.status());
        if (run.tool() != null) p.put("tool", run.tool());
        if (run.processKey() != null) p.put("processKey", run.processKey());
        return p;
    }

    /** The run an event carries, or null when the properties hold none. */
    public static TaskRun run(Map<String, ?> properties) {
        return properties.get(RUN) instanceof TaskRun r ? r : null;
    }
}
