package io.procos.api.tde;

import io.procos.api.tool.ToolDescriptor;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/** Decides which of the tools that exist now does a task. Never guesses below its confidence threshold. */
@ConsumerType
public interface Planner {

    /** For people and logs, e.g. "semantic (offline, all-MiniLM-L6-v2)". */
    String name();

    Decision decide(TaskDescription task, List<ToolDescriptor> tools);
}
