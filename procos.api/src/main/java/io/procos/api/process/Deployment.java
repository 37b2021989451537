package io.procos.api.process;

import java.util.List;

/** What one deployment brought: its id and the processes it defined. */
public record Deployment(String id, List<ProcessInfo> processes) {

    public Deployment {
        processes = List.copyOf(processes);
    }
}
