package io.procos.tools.file.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the file tools, PID {@value #PID} (conf/io.procos.tools.file.cfg). */
@ObjectClassDefinition(
        name = "ProcOS file tools",
        description = "file.read, file.write and file.list, confined to one folder.")
public @interface FileToolsConfiguration {

    String PID = "io.procos.tools.file";

    @AttributeDefinition(
            name = "Workspace",
            description =
                    "The only folder the tools may touch; relative to the ProcOS home; empty: the node's workspace (framework property procos.workspace, else data/workspace).")
    String root() default "";

    @AttributeDefinition(name = "Largest read (bytes)", description = "file.read refuses larger files.")
    long maxReadBytes() default 1024 * 1024;

    @AttributeDefinition(name = "Largest write (bytes)", description = "file.write refuses larger content.")
    long maxWriteBytes() default 10 * 1024 * 1024;

    @AttributeDefinition(name = "Largest listing", description = "file.list returns at most this many entries.")
    int maxListEntries() default 1000;

    @AttributeDefinition(
            name = "Call records kept (days)",
            description = "file.write remembers each call by its idempotency key in .procos/calls of the workspace, so "
                    + "that a call made again after a crash writes once; records older than this are removed.")
    int keepCallsDays() default 7;
}
