package io.procos.tools.matlab.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of matlab.run, PID {@value #PID} (conf/io.procos.tools.matlab.cfg). */
@ObjectClassDefinition(
        name = "ProcOS MATLAB tool",
        description = "matlab.run with MATLAB, or GNU Octave where MATLAB is not installed.")
public @interface MatlabConfiguration {

    String PID = "io.procos.tools.matlab";

    @AttributeDefinition(
            name = "MATLAB command",
            description = "Used when found on the PATH (or given as a full path).")
    String matlabCommand() default "matlab";

    @AttributeDefinition(name = "Octave command", description = "Used when MATLAB is not found.")
    String octaveCommand() default "octave-cli";

    @AttributeDefinition(
            name = "Workspace",
            description =
                    "Scripts run in, and read files from, this folder; relative to the ProcOS home; empty: the node's workspace (framework property procos.workspace, else data/workspace).")
    String workspace() default "";

    @AttributeDefinition(name = "Default time limit (s)")
    int defaultTimeoutSeconds() default 120;

    @AttributeDefinition(name = "Largest time limit (s)")
    int maxTimeoutSeconds() default 3600;

    @AttributeDefinition(name = "Output kept per stream (bytes)")
    int maxOutputBytes() default 65536;
}
