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

    /**
     * Decides with what memory recalls: similar past tasks and the decisions that worked for them,
     * closest first. Planners that cannot use precedents ignore them.
     */
    default Decision decide(TaskDescription task, List<ToolDescriptor> tools, List<Precedent> precedents) {
        return decide(task, tools);
    }

    /**
     * A second chance: {@code rejected} could not be used, for the reason in {@code problem} (its arguments
     * broke the tool's schema, or the tool answered with an error). Answers a corrected decision, or a
     * decision without a tool when the planner has nothing better. Called at most once per task.
     */
    default Decision reconsider(TaskDescription task, List<ToolDescriptor> tools, Decision rejected, String problem) {
        return Decision.noTool(name() + " has no other way to do this task: " + problem, 0, name());
    }
}
