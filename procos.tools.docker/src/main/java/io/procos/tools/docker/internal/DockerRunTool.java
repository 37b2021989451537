package io.procos.tools.docker.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Volume;
import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolContext;
import io.procos.api.tool.ToolResult;
import io.procos.api.tool.Workspace;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * docker.run: one command in a fresh container, never privileged, all capabilities dropped, no new
 * privileges, no network unless allowed, memory, process and time limits; the container is removed
 * afterwards whatever happens. Images are not pulled: they must be on the engine already.
 */
final class DockerRunTool implements Tool {

    private final Supplier<DockerClient> docker;
    private final Workspace workspace;
    private final DockerConfiguration config;

    DockerRunTool(Supplier<DockerClient> docker, Workspace workspace, DockerConfiguration config) {
        this.docker = docker;
        this.workspace = workspace;
        this.config = config;
    }

    @Override
    public String name() {
        return "docker.run";
    }

    @Override
    public String description() {
        return "Runs a command in a Docker container from an image already on the local Docker engine and returns its exit code, "
                + "stdout and stderr. A folder of the ProcOS workspace can be mounted at /workspace (the working directory). "
                + "Use it for programs, scripts or builds that need their own environment.";
    }

    @Override
    public String inputSchema() {
        return """
            {"type":"object","required":["image","command"],"additionalProperties":false,"properties":{
              "image":{"type":"string","description":"image name, e.g. alpine:3.20"},
              "command":{"type":"array","items":{"type":"string"},"minItems":1,"description":"program and arguments"},
              "env":{"type":"object","additionalProperties":{"type":"string"}},
              "workdir":{"type":"string","description":"workspace folder mounted at /workspace"},
              "timeoutSeconds":{"type":"integer","minimum":1},
              "memoryMb":{"type":"integer","minimum":16},
              "network":{"type":"boolean","default":false}}}""";
    }

    @Override
    public String outputSchema() {
        return """
            {"type":"object","properties":{"exitCode":{"type":"integer"},"stdout":{"type":"string"},"stderr":{"type":"string"},
              "timedOut":{"type":"boolean"},"durationMs":{"type":"integer"}}}""";
    }

    @Override
    public ToolResult invoke(Map<String, Object> input, ToolContext context) throws Exception {
        Object image = input.get("image");
        if (!(image instanceof String img) || img.isBlank()) return ToolResult.error("'image' is required, e.g. \"alpine:3.20\"");
        if (!(input.get("command") instanceof List<?> cmd) || cmd.isEmpty()) {
            return ToolResult.error("'command' is required: a list like [\"sh\", \"-c\", \"echo hi\"]");
        }
        List<String> command = cmd.stream().map(String::valueOf).toList();
        int timeout = clamp(input.get("timeoutSeconds"), config.defaultTimeoutSeconds(), 1, config.maxTimeoutSeconds());
        long remaining = Duration.between(Instant.now(), context.deadline()).toSeconds();
        if (remaining > 0) timeout = (int) Math.min(timeout, remaining);
        int memoryMb = clamp(input.get("memoryMb"), config.defaultMemoryMb(), 16, config.maxMemoryMb());
        boolean network = Boolean.TRUE.equals(input.get("network"));
        if (network && !config.allowNetwork()) {
            return ToolResult.error("network access for containers is switched off (allowNetwork=false in conf/io.procos.tools.docker.cfg)");
        }
        List<String> env = new ArrayList<>();
        if (input.get("env") instanceof Map<?, ?> vars) vars.forEach((k, v) -> env.add(k + "=" + v));

        HostConfig host = HostConfig.newHostConfig()
                .withPrivileged(false)
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withMemory(memoryMb * 1024L * 1024L)
                .withMemorySwap(memoryMb * 1024L * 1024L)
                .withPidsLimit(256L)
                .withNetworkMode(network ? "bridge" : "none");
        String workdir = null;
        if (input.get("workdir") != null) {
            Path dir;
            try {
                dir = workspace.resolve(input.get("workdir").toString());
            } catch (Workspace.Refused e) {
                return ToolResult.error(e.getMessage());
            }
            Files.createDirectories(dir);
            host = host.withBinds(new Bind(dir.toString(), new Volume("/workspace")));
            workdir = "/workspace";
        }

        DockerClient client;
        try {
            client = docker.get();
            client.inspectImageCmd(img).exec();
        } catch (NotFoundException e) {
            return ToolResult.error("image '" + img + "' is not on the Docker engine; ProcOS does not pull images: "
                    + "load it first (docker pull, docker load or docker import)");
        } catch (RuntimeException e) {
            return ToolResult.error("the Docker engine is not reachable: " + e.getMessage());
        }

        long started = System.nanoTime();
        var create = client.createContainerCmd(img).withCmd(command).withEnv(env).withHostConfig(host)
                .withLabels(Map.of("io.procos.task", String.valueOf(context.taskId())));
        if (workdir != null) create = create.withWorkingDir(workdir);
        String id = create.exec().getId();
        try {
            client.startContainerCmd(id).exec();
            Integer exitCode = null;
            boolean timedOut = false;
            try (WaitContainerResultCallback wait = client.waitContainerCmd(id).exec(new WaitContainerResultCallback())) {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
                while (exitCode == null) {
                    try {
                        exitCode = wait.awaitStatusCode(250, TimeUnit.MILLISECONDS);
                    } catch (DockerClientException stillRunning) {
                        if (context.cancelled() || System.nanoTime() > end) {
                            timedOut = !context.cancelled();
                            client.killContainerCmd(id).exec();
                            exitCode = exitCodeAfterKill(client, id);
                        }
                    }
                }
            }
            Output out = new Output(config.maxOutputBytes());
            client.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(false).exec(out).awaitCompletion(10, TimeUnit.SECONDS);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("exitCode", exitCode);
            result.put("stdout", out.stdout());
            result.put("stderr", out.stderr());
            result.put("timedOut", timedOut);
            result.put("durationMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            if (context.cancelled() && !timedOut) return ToolResult.error("docker.run was cancelled; the container was stopped");
            if (timedOut) return new ToolResult(result, "the container did not finish within " + timeout + " s and was killed", true);
            return ToolResult.ok(result, "exit code " + exitCode);
        } finally {
            try {
                client.removeContainerCmd(id).withForce(true).exec();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
    }

    /** The wait stream may end in an error when the container is killed; ask the engine instead. */
    private static Integer exitCodeAfterKill(DockerClient client, String id) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            var state = client.inspectContainerCmd(id).exec().getState();
            if (!Boolean.TRUE.equals(state.getRunning())) return state.getExitCodeLong() == null ? null : state.getExitCodeLong().intValue();
            Thread.sleep(100);
        }
        return null;
    }

    private static int clamp(Object value, int fallback, int min, int max) {
        int v = value instanceof Number n ? n.intValue() : fallback;
        return Math.max(min, Math.min(max, v));
    }

    /** Collects stdout and stderr separately, each cut at the configured size. */
    private static final class Output extends ResultCallback.Adapter<Frame> {
        private final int max;
        private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        private boolean cut;

        Output(int max) {
            this.max = max;
        }

        @Override
        public void onNext(Frame frame) {
            ByteArrayOutputStream target = frame.getStreamType() == StreamType.STDERR ? stderr : stdout;
            byte[] payload = frame.getPayload();
            int room = max - target.size();
            if (room <= 0) {
                cut = true;
                return;
            }
            target.write(payload, 0, Math.min(room, payload.length));
            if (payload.length > room) cut = true;
        }

        String stdout() {
            return stdout.toString(StandardCharsets.UTF_8) + (cut && stdout.size() >= max ? "\n[output cut at " + max + " bytes]" : "");
        }

        String stderr() {
            return stderr.toString(StandardCharsets.UTF_8) + (cut && stderr.size() >= max ? "\n[output cut at " + max + " bytes]" : "");
        }
    }
}
