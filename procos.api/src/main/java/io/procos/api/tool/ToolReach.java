package io.procos.api.tool;

import java.util.List;

/**
 * What a tool can reach beyond its input, declared by the tool's service in the property
 * {@value #PROPERTY} (a string or string array of the words below). A process names what its tasks
 * may use ({@link ToolPolicy}); the planner is offered nothing else. A tool that declares nothing is
 * taken to compute from its input alone.
 */
public final class ToolReach {

    /** Service property of a {@link Tool}: the words below that apply to it. */
    public static final String PROPERTY = "procos.tool.reach";

    /** Reads files in the workspace. */
    public static final String READS_WORKSPACE = "reads-workspace";
    /** Creates, changes or deletes files in the workspace. */
    public static final String WRITES_WORKSPACE = "writes-workspace";
    /** Runs code that its input supplies or chooses (scripts, containers); must run it in a {@link Sandbox}. */
    public static final String RUNS_CODE = "runs-code";
    /** Talks to other hosts. */
    public static final String NETWORK = "network";
    /** Reads or writes ProcOS's memory. */
    public static final String MEMORY = "memory";

    /** Every word a tool may declare. */
    public static final List<String> ALL = List.of(READS_WORKSPACE, WRITES_WORKSPACE, RUNS_CODE, NETWORK, MEMORY);

    private ToolReach() {}
}
