package io.procos.tools.docker.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.api.model.WaitResponse;
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
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * docker.run: one command in a fresh container of an allowed local image, contained: an unprivileged user,
 * a read-only root with a small tmpfs /tmp, no capabilities, no new privileges, no network unless allowed,
 * CPU, memory, process and time limits, and at most one workspace folder on a nosuid,nodev mount. Every
 * container carries ProcOS's labels, among them the call's idempotency key, and is kept for a while after it ended
 * ({@link ContainerOwner#sweep} removes it). A call made again with the key of one that a stop of ProcOS interrupted
 * takes that call's container instead of running the command twice: it waits for it if it still runs, and answers
 * its exit code and output, marked {@code repeated}.
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
              "repeated":{"type":"boolean","description":"the result of the container an earlier call with this call's key started; the command was not run again"}}}""";
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
        String key = context.taskId() == null || context.taskId().isBlank()
                ? "unkeyed-" + UUID.randomUUID() // nothing to find again
                : context.taskId();
        try {
            owner.sweepNowAndThen(client);
        } catch (RuntimeException e) {
            // the engine answers the call below, or says why it does not
        }
        ToolResult earlier = earlierRun(client, key, inputKey, timeout, context);
        if (earlier != null) return earlier;

        long started = System.nanoTime();
        // whole seconds, as the label keeps it: a container that ended after its label was killed at it
        Instant deadline = Instant.now().plusSeconds(timeout).truncatedTo(ChronoUnit.SECONDS);
        var create = client.createContainerCmd(img)
                .withCmd(command)
                .withEnv(env)
                .withHostConfig(host)
                .withLabels(owner.labels(key, inputKey, deadline));
        if (!user.isEmpty()) create = create.withUser(user);
        if (workdir != null) create = create.withWorkingDir(workdir);
        String id;
        try {
            id = create.exec().getId();
        } catch (DockerException e) {
            return ToolResult.error("the Docker engine refused the container: " + e.getMessage()
                    + " (check cpus, pidsLimit and user in conf/io.procos.tools.docker.cfg)");
        }
        boolean keep = false;
        try {
            client.startContainerCmd(id).exec();
            Ended ended = awaitEnd(client, id, deadline, context);
            // kept until keepEndedMinutes, so that the call made again after a stop finds its result; a cancelled
            // one was cut short by ProcOS and goes: the call made again runs the command afresh
            keep = !ended.cancelled();
            Output out = logs(client, id);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("exitCode", ended.exitCode());
            result.put("stdout", out.stdout());
            result.put("stderr", out.stderr());
            result.put("timedOut", ended.timedOut());
            result.put("durationMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return answer(result, ended, timeout, "");
        } finally {
            try {
                if (!keep) ContainerOwner.remove(client, id);
            } catch (RuntimeException ignored) {
                // the engine went away; the container goes once it ended keepEndedMinutes ago
            }
        }
    }

    /** How a container ended: its exit code (null if unknown), killed at the time limit, stopped by cancellation. */
    private record Ended(Integer exitCode, boolean timedOut, boolean cancelled) {}

    /** Waits for the container to end; kills it at {@code deadline} or when the call is cancelled. */
    private static Ended awaitEnd(DockerClient client, String id, Instant deadline, ToolContext context)
            throws InterruptedException {
        Exit exit = client.waitContainerCmd(id).exec(new Exit());
        try {
            while (true) {
                if (exit.ended(250)) {
                    Integer code = exit.code();
                    if (code != null) return new Ended(code, false, false);
                    // the stream broke without an answer: ask the engine, and wait again while it runs
                    var state = client.inspectContainerCmd(id).exec().getState();
                    if (!Boolean.TRUE.equals(state.getRunning()))
                        return new Ended(
                                state.getExitCodeLong() == null
                                        ? null
                                        : state.getExitCodeLong().intValue(),
                                false,
                                false);
                    closeQuietly(exit);
                    exit = client.waitContainerCmd(id).exec(new Exit());
                }
                if (context.cancelled() || Instant.now().isAfter(deadline)) {
                    boolean timedOut = !context.cancelled();
                    try {
                        client.killContainerCmd(id).exec();
                    } catch (ConflictException ended) {
                        // it ended just now
                    }
                    return new Ended(exitCodeAfterKill(client, id), timedOut, !timedOut);
                }
            }
        } finally {
            closeQuietly(exit);
        }
    }

    /**
     * The end of a container as the engine's wait stream tells it. docker-java's own callback cannot be polled: its
     * {@code awaitStatusCode(timeout)} closes the stream when the time is up, so a second look never gets an answer.
     */
    private static final class Exit extends ResultCallback.Adapter<WaitResponse> {
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile Integer code;

        @Override
        public void onNext(WaitResponse response) {
            code = response.getStatusCode();
        }

        @Override
        public void onComplete() {
            ended.countDown();
            super.onComplete();
        }

        @Override
        public void onError(Throwable t) {
            ended.countDown(); // the caller asks the engine instead
            try {
                close();
            } catch (java.io.IOException ignored) {
                // closing a broken stream
            }
        }

        boolean ended(long millis) throws InterruptedException {
            return ended.await(millis, TimeUnit.MILLISECONDS);
        }

        Integer code() {
            return code;
        }
    }

    private static void closeQuietly(Exit exit) {
        try {
            exit.close();
        } catch (java.io.IOException | RuntimeException ignored) {
            // the stream is gone already
        }
    }

    private static ToolResult answer(Map<String, Object> result, Ended ended, long timeout, String note) {
        if (ended.cancelled()) return ToolResult.error("docker.run was cancelled; the container was stopped");
        if (ended.timedOut())
            return new ToolResult(
                    result, "the container did not finish within " + timeout + " s and was killed" + note, true);
        return ToolResult.ok(result, "exit code " + ended.exitCode() + note);
    }

    /**
     * The call's earlier container, if one is left (ProcOS stopped while it ran, or after it ended and before the
     * call's result was recorded): one of the same input answers with its result, after waiting for it if it still
     * runs, and the command is not run twice; it stays until keepEndedMinutes, in case this call is interrupted
     * too. One still running in this start refuses the call (the call that started it is running). Any other (of
     * another input, or never started) is removed, and the command runs.
     */
    private ToolResult earlierRun(DockerClient client, String key, String inputKey, int timeout, ToolContext context)
            throws InterruptedException {
        ToolResult answer = null;
        for (Container c : owner.ofCall(client, key)) {
            boolean same = inputKey.equals(c.getLabels().get(ContainerOwner.INPUT));
            String state = String.valueOf(c.getState());
            if ("running".equals(state) && owner.ofThisStart(c)) {
                return ToolResult.error("call " + key + " already has a running container ("
                        + c.getId().substring(0, 12)
                        + "); wait until it ends, then call docker.run again to get its result");
            }
            boolean used = false;
            try {
                if (answer == null && same && "running".equals(state)) {
                    answer = adopt(client, c, timeout, context);
                    used = !answer.isError()
                            || Boolean.TRUE.equals(answer.content().get("timedOut"));
                } else if (answer == null && same && ("exited".equals(state) || "dead".equals(state))) {
                    answer = resultOf(client, c.getId(), ContainerOwner.deadline(c.getLabels()), false, timeout, "");
                    used = true;
                }
            } finally {
                if (!used) ContainerOwner.remove(client, c.getId());
            }
        }
        return answer;
    }

    /**
     * Waits for a container an earlier start of ProcOS left running for this call, until its own time limit (or
     * this call's, if that comes first), and answers its result.
     */
    private ToolResult adopt(DockerClient client, Container c, int timeout, ToolContext context)
            throws InterruptedException {
        Instant limit = Instant.now().plusSeconds(timeout);
        Instant own = ContainerOwner.deadline(c.getLabels());
        if (own != null && own.isBefore(limit)) limit = own;
        Ended ended = awaitEnd(client, c.getId(), limit, context);
        if (ended.cancelled()) return answer(Map.of(), ended, timeout, "");
        return resultOf(
                client,
                c.getId(),
                own,
                ended.timedOut(),
                timeout,
                " (the container an interrupted call with this key started; waited for it, not run again)");
    }

    /**
     * The result of an ended container, marked repeated. It counts as timed out when it was {@code killed} at its
     * time limit, or ended after it: the call would have killed it then, had ProcOS been running.
     */
    private ToolResult resultOf(
            DockerClient client, String id, Instant deadline, boolean killed, int timeout, String note)
            throws InterruptedException {
        var state = client.inspectContainerCmd(id).exec().getState();
        Output out = logs(client, id);
        Map<String, Object> result = new LinkedHashMap<>();
        Long exitCode = state.getExitCodeLong();
        Instant startedAt = null;
        Instant finishedAt = null;
        try {
            startedAt = Instant.parse(state.getStartedAt());
            finishedAt = Instant.parse(state.getFinishedAt());
        } catch (RuntimeException unknown) {
            // the engine gave no usable times
        }
        boolean timedOut = killed || deadline != null && finishedAt != null && finishedAt.isAfter(deadline);
        result.put("exitCode", exitCode == null ? null : exitCode.intValue());
        result.put("stdout", out.stdout());
        result.put("stderr", out.stderr());
        result.put("timedOut", timedOut);
        long ms = startedAt == null || finishedAt == null
                ? 0
                : Duration.between(startedAt, finishedAt).toMillis();
        result.put("durationMs", Math.max(0, ms));
        result.put("repeated", true);
        Ended ended = new Ended(exitCode == null ? null : exitCode.intValue(), timedOut, false);
        return answer(
                result,
                ended,
                timeout,
                note.isEmpty()
                        ? " (the result of the earlier container of a call with this key; not run again)"
                        : note);
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
