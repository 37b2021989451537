package io.procos.tools.docker.internal;

import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolReach;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * docker.run as DS components over the configured {@link DockerEngine}. It runs code and reads and writes the
 * workspace, and reaches the network only when the configuration allows it; a component cannot compute its own
 * service properties, so there are two, and the engine's service property {@code allowNetwork} (its
 * configuration) satisfies exactly one of them ({@code ~=} ignores case, as reading the boolean does).
 */
final class DockerRun {

    /** Tells /api/health that exactly one of the two is meant to be active (the other is unsatisfied on purpose). */
    static final String ALTERNATIVE = "procos.alternative=docker.run";

    private DockerRun() {}

    /** Containers without network: the default. */
    @Component(
            service = Tool.class,
            property = {
                ToolReach.PROPERTY + "=" + ToolReach.RUNS_CODE,
                ToolReach.PROPERTY + "=" + ToolReach.READS_WORKSPACE,
                ToolReach.PROPERTY + "=" + ToolReach.WRITES_WORKSPACE,
                ALTERNATIVE
            })
    public static final class Contained extends DockerRunTool {
        @Activate
        public Contained(@Reference(name = "engine", target = "(!(allowNetwork~=true))") DockerEngine engine) {
            super(engine);
        }
    }

    /** allowNetwork=true: a task may ask for network, so the tool says it reaches the network. */
    @Component(
            service = Tool.class,
            property = {
                ToolReach.PROPERTY + "=" + ToolReach.RUNS_CODE,
                ToolReach.PROPERTY + "=" + ToolReach.READS_WORKSPACE,
                ToolReach.PROPERTY + "=" + ToolReach.WRITES_WORKSPACE,
                ToolReach.PROPERTY + "=" + ToolReach.NETWORK,
                ALTERNATIVE
            })
    public static final class Networked extends DockerRunTool {
        @Activate
        public Networked(@Reference(name = "engine", target = "(allowNetwork~=true)") DockerEngine engine) {
            super(engine);
        }
    }
}
