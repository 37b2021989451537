package io.procos.tools.docker.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * docker.run: one command in a fresh container of an allowed local image, contained: an unprivileged user,
 * a read-only root with a small tmpfs /tmp, no capabilities, no new privileges, no network unless allowed,
 * CPU, memory, process and time limits, and at most one workspace folder on a nosuid,nodev mount. Every
 * container carries ProcOS's labels and is removed afterwards; a call repeated for a task whose container
 * finished (its removal failed) answers that container's result instead of running the command again.
 * Images are not pulled: they must be on the engine already. Registered by the components of {@link DockerRun}.
 */
class DockerRunTool implements Tool {

    private final Supplier<DockerClient> docker;
    private final Workspace workspace;
    private final WorkspaceMount mount;
    private final ContainerOwner owner;
    private final DockerConfiguration config;
    private final List<String> allowedImages;

    DockerRunTool(DockerEngine engine) {
        this(engine::client, engine.workspace(), engine.mount(), engine.owner(), engine.config());
    }

    DockerRunTool(
            Supplier<DockerClient> docker,
            Workspace workspace,
            WorkspaceMount mount,
            ContainerOwner owner,
            DockerConfiguration config) {
        this.docker = docker;
        this.workspace = workspace;
        this.mount = mount;
        this.owner = owner;
        this.config = config;
        // a .cfg file may give the list as one comma-separated string
        this.allowedImages = Arrays.stream(config.allowedImages())
                .flatMap(e -> Arrays.stream(e.split("[,\\s]+")))
                .filter(e -> !e.isBlank())
                .toList();
    }

    @Override
    public String name() {
        return "docker.run";
    }

    @Override
    public String description() {
        return "Runs a command in a Docker container from an image already on the local Docker engine and returns its exit code, "
                + "stdout and stderr. A folder of the ProcOS workspace can be mounted at /workspace (the working directory). "
                + "The command runs as an unprivileged user; only /workspace and /tmp are writable. "
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
              "timedOut":{"type":"boolean"},"durationMs":{"type":"integer"},
              "reused":{"type":"boolean","description":"the result of this task's earlier, finished container"}}}""";
    }

    @Override
    public ToolResult invoke(Map<String, Object> input, ToolContext context) throws Exception {
        Object image = input.get("image");
        if (!(image instanceof String img) || img.isBlank())
            return ToolResult.error("'image' is required, e.g. \"alpine:3.20\"");
        if (!(input.get("command") instanceof List<?> cmd) || cmd.isEmpty()) {
            return ToolResult.error("'command' is required: a list like [\"sh\", \"-c\", \"echo hi\"]");
        }
        if (!allowed(img)) {
            return ToolResult.error(
                    "image '" + img + "' is not allowed; the allowed images are " + String.join(", ", allowedImages)
                            + " (allowedImages in conf/io.procos.tools.docker.cfg): use one of them");
        }
        List<String> command = cmd.stream().map(String::valueOf).toList();
        int timeout = clamp(input.get("timeoutSeconds"), config.defaultTimeoutSeconds(), 1, config.maxTimeoutSeconds());
        long remaining = Duration.between(Instant.now(), context.deadline()).toSeconds();
        if (remaining > 0) timeout = (int) Math.min(timeout, remaining);
        int memoryMb = clamp(input.get("memoryMb"), config.defaultMemoryMb(), 16, config.maxMemoryMb());
        boolean network = Boolean.TRUE.equals(input.get("network"));
        if (network && !config.allowNetwork()) {
            return ToolResult.error(
                    "network access for containers is switched off (allowNetwork=false in conf/io.procos.tools.docker.cfg)");
        }
        Map<String, String> vars = new TreeMap<>();
        if (input.get("env") instanceof Map<?, ?> given)
            given.forEach((k, v) -> vars.put(String.valueOf(k), String.valueOf(v)));
        List<String> env = vars.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList();
        String user = config.user().strip();

        HostConfig host = HostConfig.newHostConfig()
                .withPrivileged(false)
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withReadonlyRootfs(true)
                .withTmpFs(Map.of("/tmp", tmpfsOptions(user)))
                .withMemory(memoryMb * 1024L * 1024L)
                .withMemorySwap(memoryMb * 1024L * 1024L)
                .withNanoCPUs(Math.max(10_000_000L, Math.round(config.cpus() * 1e9)))
                .withPidsLimit((long) config.pidsLimit())
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
            String unsafe = mount.secure();
            if (unsafe != null && config.workspaceNosuidRequired()) {
                return ToolResult.error("the workspace folder was not mounted: " + unsafe
                        + " (or set workspaceNosuidRequired=false in conf/io.procos.tools.docker.cfg)");
            }
            List<String> groups = WorkspaceMount.letWrite(dir, user);
            host = host.withBinds(new Bind(dir.toString(), new Volume("/workspace")));
            if (!groups.isEmpty()) host = host.withGroupAdd(groups);
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

        String inputKey = inputKey(
                img,
                command,
                vars,
                workdir == null ? null : input.get("workdir").toString());
        ToolResult earlier = earlierRun(client, context.taskId(), inputKey);
        if (earlier != null) return earlier;

        long started = System.nanoTime();
        var create = client.createContainerCmd(img)
                .withCmd(command)
                .withEnv(env)
                .withHostConfig(host)
                .withLabels(owner.labels(context.taskId(), inputKey));
        if (!user.isEmpty()) create = create.withUser(user);
        if (workdir != null) create = create.withWorkingDir(workdir);
        String id;
        try {
            id = create.exec().getId();
        } catch (DockerException e) {
            return ToolResult.error("the Docker engine refused the container: " + e.getMessage()
                    + " (check cpus, pidsLimit and user in conf/io.procos.tools.docker.cfg)");
        }
        try {
            client.startContainerCmd(id).exec();
            Integer exitCode = null;
            boolean timedOut = false;
            try (WaitContainerResultCallback wait =
                    client.waitContainerCmd(id).exec(new WaitContainerResultCallback())) {
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
            Output out = logs(client, id);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("exitCode", exitCode);
            result.put("stdout", out.stdout());
            result.put("stderr", out.stderr());
            result.put("timedOut", timedOut);
            result.put("durationMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            if (context.cancelled() && !timedOut)
                return ToolResult.error("docker.run was cancelled; the container was stopped");
            if (timedOut)
                return new ToolResult(
                        result, "the container did not finish within " + timeout + " s and was killed", true);
            return ToolResult.ok(result, "exit code " + exitCode);
        } finally {
            try {
                ContainerOwner.remove(client, id);
            } catch (RuntimeException ignored) {
                // the engine went away; the next start of ProcOS removes the container
            }
        }
    }

    /**
     * The task's earlier container, if one is left: a finished one of the same input answers with its result
     * (the call is not run twice); one still running in this start refuses the call; any other is removed.
     */
    private ToolResult earlierRun(DockerClient client, String taskId, String inputKey) throws InterruptedException {
        ToolResult answer = null;
        for (Container c : owner.ofTask(client, taskId)) {
            if ("running".equals(c.getState()) && owner.ofThisStart(c)) {
                return ToolResult.error("task " + taskId + " already has a running container ("
                        + c.getId().substring(0, 12)
                        + "); wait until it ends, then call docker.run again to get its result");
            }
            try {
                if (answer == null
                        && "exited".equals(c.getState())
                        && inputKey.equals(c.getLabels().get(ContainerOwner.INPUT))) {
                    answer = resultOf(client, c.getId());
                }
            } finally {
                ContainerOwner.remove(client, c.getId());
            }
        }
        return answer;
    }

    private ToolResult resultOf(DockerClient client, String id) throws InterruptedException {
        var state = client.inspectContainerCmd(id).exec().getState();
        Output out = logs(client, id);
        Map<String, Object> result = new LinkedHashMap<>();
        Long exitCode = state.getExitCodeLong();
        result.put("exitCode", exitCode == null ? null : exitCode.intValue());
        result.put("stdout", out.stdout());
        result.put("stderr", out.stderr());
        result.put("timedOut", false);
        long ms = 0;
        try {
            ms = Duration.between(Instant.parse(state.getStartedAt()), Instant.parse(state.getFinishedAt()))
                    .toMillis();
        } catch (RuntimeException unknown) {
            // the engine gave no usable times
        }
        result.put("durationMs", Math.max(0, ms));
        result.put("reused", true);
        return ToolResult.ok(
                result, "exit code " + exitCode + " (the result of this task's earlier container; not run again)");
    }

    private Output logs(DockerClient client, String id) throws InterruptedException {
        Output out = new Output(config.maxOutputBytes());
        client.logContainerCmd(id)
                .withStdOut(true)
                .withStdErr(true)
                .withFollowStream(false)
                .exec(out)
                .awaitCompletion(10, TimeUnit.SECONDS);
        return out;
    }

    private boolean allowed(String image) {
        if (allowedImages.isEmpty()) return true;
        String wanted = normalised(image);
        return allowedImages.stream().anyMatch(a -> normalised(a).equals(wanted));
    }

    /** The engine's spelling: alpine, library/alpine and docker.io/library/alpine:latest are one image. */
    static String normalised(String image) {
        String s = image.strip();
        if (s.startsWith("docker.io/")) s = s.substring("docker.io/".length());
        if (s.startsWith("library/")) s = s.substring("library/".length());
        if (!s.contains("@") && s.indexOf(':', s.lastIndexOf('/') + 1) < 0) s += ":latest";
        return s;
    }

    /** Writable for the container's user even where the image's /tmp is not (the engine keeps that folder's mode). */
    private String tmpfsOptions(String user) {
        String options = "rw,nosuid,nodev,noexec,size=" + Math.max(1, config.tmpSizeMb()) + "m,mode=1777";
        int[] ids = WorkspaceMount.numericUser(user);
        if (ids != null) options += ",uid=" + ids[0] + (ids[1] >= 0 ? ",gid=" + ids[1] : "");
        return options;
    }

    /** What makes two calls the same: image, command, environment and folder, each length-prefixed so none runs into the next. */
    static String inputKey(String image, List<String> command, Map<String, String> env, String workdir) {
        StringBuilder s = new StringBuilder();
        Consumer<String> part =
                p -> s.append(p == null ? -1 : p.length()).append(':').append(p == null ? "" : p);
        part.accept(image);
        command.forEach(part);
        part.accept("env");
        new TreeMap<>(env).forEach((k, v) -> part.accept(k + "=" + v));
        part.accept(workdir);
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(s.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** The wait stream may end in an error when the container is killed; ask the engine instead. */
    private static Integer exitCodeAfterKill(DockerClient client, String id) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            var state = client.inspectContainerCmd(id).exec().getState();
            if (!Boolean.TRUE.equals(state.getRunning()))
                return state.getExitCodeLong() == null
                        ? null
                        : state.getExitCodeLong().intValue();
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
            return stdout.toString(StandardCharsets.UTF_8)
                    + (cut && stdout.size() >= max ? "\n[output cut at " + max + " bytes]" : "");
        }

        String stderr() {
            return stderr.toString(StandardCharsets.UTF_8)
                    + (cut && stderr.size() >= max ? "\n[output cut at " + max + " bytes]" : "");
        }
    }
}
