package io.procos.sandbox.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the bubblewrap sandbox, PID {@value #PID} (conf/io.procos.sandbox.cfg). */
@ObjectClassDefinition(
        name = "ProcOS sandbox",
        description = "Runs the programs of code-running tools (matlab.run) under bubblewrap.")
public @interface SandboxConfiguration {

    String PID = "io.procos.sandbox";

    @AttributeDefinition(
            name = "bubblewrap command",
            description = "bwrap, found on the PATH, or its full path (Debian package bubblewrap).")
    String bwrapCommand() default "bwrap";

    @AttributeDefinition(
            name = "Extra read-only paths",
            description = "Absolute folders or files programs may read besides /usr and the few /etc files they need, "
                    + "e.g. a MATLAB installed under /opt. Never a folder inside the ProcOS home.")
    String[] extraReadOnlyPaths() default {};
}
