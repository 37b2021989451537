package io.procos.tools.docker.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of docker.run, PID {@value #PID} (conf/io.procos.tools.docker.cfg). */
@ObjectClassDefinition(name = "ProcOS Docker tool", description = "docker.run on a local Docker engine.")
public @interface DockerConfiguration {

    String PID = "io.procos.tools.docker";

    @AttributeDefinition(
            name = "Docker host",
            description = "Engine address; empty: DOCKER_HOST, else unix:///var/run/docker.sock.")
    String host() default "";

    @AttributeDefinition(
            name = "Workspace",
            description =
                    "Folder whose subfolders may be mounted at /workspace; relative to the ProcOS home; empty: the node's workspace (framework property procos.workspace, else data/workspace).")
    String workspace() default "";

    @AttributeDefinition(
            name = "Allowed images",
            description =
                    "Images docker.run may start, e.g. alpine:3.20 (no tag means :latest). Empty: any image already on "
                            + "the local engine, which lets a task run whatever has been pulled there.")
    String[] allowedImages() default {};

    @AttributeDefinition(
            name = "Container user",
            description =
                    "uid:gid the command runs as (numbers, so that ProcOS can let that user write the mounted workspace "
                            + "folder); empty: the image's own user, often root.")
    String user() default "65534:65534";

    @AttributeDefinition(
            name = "CPUs",
            description = "CPU time a container may use, in CPUs (Docker NanoCpus), e.g. 0.5 or 2.")
    double cpus() default 1.0;

    @AttributeDefinition(
            name = "Process limit",
            description = "Most processes and threads a container may have at once.")
    int pidsLimit() default 256;

    @AttributeDefinition(
            name = "/tmp size (MiB)",
            description = "Size of the writable tmpfs at /tmp; the rest of the container's files are read-only.")
    int tmpSizeMb() default 64;

    @AttributeDefinition(
            name = "Workspace must be nosuid,nodev",
            description =
                    "Mount a workspace folder only when the workspace is on a nosuid,nodev mount (ProcOS makes it one "
                            + "when it runs as root; else mount it so, see the README).")
    boolean workspaceNosuidRequired() default true;

    @AttributeDefinition(
            name = "Default time limit (s)",
            description = "When the task gives no timeoutSeconds; the container is killed after it.")
    int defaultTimeoutSeconds() default 300;

    @AttributeDefinition(name = "Largest time limit (s)", description = "The most a task may ask for.")
    int maxTimeoutSeconds() default 3600;

    @AttributeDefinition(
            name = "Default memory limit (MiB)",
            description = "When the task gives no memoryMb; no swap beyond it.")
    int defaultMemoryMb() default 512;

    @AttributeDefinition(name = "Largest memory limit (MiB)", description = "The most a task may ask for.")
    int maxMemoryMb() default 4096;

    @AttributeDefinition(
            name = "Output kept per stream (bytes)",
            description = "stdout and stderr are cut after this many bytes.")
    int maxOutputBytes() default 65536;

    @AttributeDefinition(
            name = "Keep ended containers (minutes)",
            description = "A container of a call that ProcOS's stop interrupted is kept this long after it ended (and "
                    + "after ProcOS is back), so that the call made again with the same key takes its exit code and "
                    + "output instead of running the command twice; then it is removed.")
    int keepEndedMinutes() default 60;

    @AttributeDefinition(
            name = "Allow network",
            description = "Containers have no network unless this is true and the task asks for it.")
    boolean allowNetwork() default false;
}
