package io.procos.tools.docker.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of docker.run, PID {@value #PID} (conf/io.procos.tools.docker.cfg). */
@ObjectClassDefinition(name = "ProcOS Docker tool", description = "docker.run on a local Docker engine.")
public @interface DockerConfiguration {

    String PID = "io.procos.tools.docker";

    @AttributeDefinition(name = "Docker host", description = "Engine address; empty: DOCKER_HOST, else unix:///var/run/docker.sock.")
    String host() default "";

    @AttributeDefinition(name = "Workspace", description = "Folder whose subfolders may be mounted at /workspace; relative to the ProcOS home.")
    String workspace() default "data/workspace";

    @AttributeDefinition(name = "Default time limit (s)")
    int defaultTimeoutSeconds() default 300;

    @AttributeDefinition(name = "Largest time limit (s)")
    int maxTimeoutSeconds() default 3600;

    @AttributeDefinition(name = "Default memory limit (MiB)")
    int defaultMemoryMb() default 512;

    @AttributeDefinition(name = "Largest memory limit (MiB)")
    int maxMemoryMb() default 4096;

    @AttributeDefinition(name = "Output kept per stream (bytes)", description = "stdout and stderr are cut after this many bytes.")
    int maxOutputBytes() default 65536;

    @AttributeDefinition(name = "Allow network", description = "Containers have no network unless this is true and the task asks for it.")
    boolean allowNetwork() default false;
}
