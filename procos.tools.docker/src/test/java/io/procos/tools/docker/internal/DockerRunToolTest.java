package io.procos.tools.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import io.procos.api.tool.ToolContext;
import io.procos.api.tool.ToolResult;
import io.procos.api.tool.Workspace;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker.run against a real Docker engine: the one at DOCKER_HOST, with the image PROCOS_TEST_IMAGE
 * (default procos-test/busybox:1). `./procos test` starts that engine and imports that image. Each test
 * prints what it ran and what came back.
 */
class DockerRunToolTest {

    static final String IMAGE = System.getenv().getOrDefault("PROCOS_TEST_IMAGE", "procos-test/busybox:1");
    static final String HOST = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
    static DockerClient docker;

    @TempDir
    Path dir;

    private Path home;
    private Workspace workspace;
    private WorkspaceMount mount;
    private ContainerOwner owner;
    private DockerRunTool tool;
    private TaskContext context;

    /** A task of its own for every test, so that no test sees another's containers. */
    record TaskContext(String taskId, AtomicBoolean cancel) implements ToolContext {
        TaskContext() {
            this("docker-test-" + UUID.randomUUID(), new AtomicBoolean());
        }

        public Instant deadline() {
            return Instant.now().plusSeconds(120);
        }

        public boolean cancelled() {
            return cancel.get();
        }
    }

    @BeforeAll
    static void engine() {
        try {
            docker = DockerEngine.connect(HOST);
            docker.pingCmd().exec();
            docker.inspectImageCmd(IMAGE).exec();
        } catch (RuntimeException e) {
            String missing = "SKIPPED: no Docker engine with image " + IMAGE + " at " + HOST + " (" + e.getMessage()
                    + "); `./procos test` starts one and imports the image";
            System.out.println(missing); // surefire shows a class skipped in @BeforeAll only as 0 tests
            assumeTrue(false, missing);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        home = dir.resolve("home");
        workspace = new Workspace(home.resolve("data/workspace"));
        mount = new WorkspaceMount(workspace.root());
        owner = new ContainerOwner(home.toString(), DockerEngine.START, DockerEngine.STARTED_AT, Duration.ofHours(1));
        tool = tool(config());
        context = new TaskContext();
    }

    @AfterEach
    void tearDown() throws Exception {
        mount.release(); // before @TempDir deletes the folder ProcOS may have mounted
        // ended containers are kept for a call made again; no ProcOS with this test's home will sweep them
        for (Container c : docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(ContainerOwner.HOME, home.toString()))
                .exec()) ContainerOwner.remove(docker, c.getId());
    }

    @Test
    void aContainerRunsAndItsExitCodeAndBothStreamsComeBack() throws Exception {
        ToolResult r = run(Map.of(
                "image",
                IMAGE,
                "command",
                List.of("sh", "-c", "echo hello $WHO; echo oops >&2; exit 3"),
                "env",
                Map.of("WHO", "ProcOS")));
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.content())
                .containsEntry("exitCode", 3)
                .containsEntry("stdout", "hello ProcOS\n")
                .containsEntry("stderr", "oops\n");
        assertThat(containersOf(context.taskId()))
                .as("the container is kept, ended, for the call made again after a stop of ProcOS")
                .singleElement()
                .satisfies(c -> assertThat(c.getState()).isEqualTo("exited"));
    }

    @Test
    void aContainerThatRunsLongerThanAPollOfItsWaitEndsWithItsOwnExitCode() throws Exception {
        // docker-java's wait callback closes its stream when a timed await runs out; the wait must outlast that
        ToolResult r = run(
                Map.of("image", IMAGE, "command", List.of("sh", "-c", "sleep 2; echo slept"), "timeoutSeconds", 30));
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.content())
                .containsEntry("exitCode", 0)
                .containsEntry("stdout", "slept\n")
                .containsEntry("timedOut", false);
        assertThat((Number) r.content().get("durationMs"))
                .satisfies(ms -> assertThat(ms.longValue()).isBetween(1500L, 20_000L));
    }

    @Test
    void aWorkspaceFolderIsMountedAndEscapesAreRefused() throws Exception {
        ToolResult r = run(Map.of(
                "image", IMAGE, "command", List.of("sh", "-c", "echo computed > result.txt; pwd"), "workdir", "job-1"));
        assertThat(r.content()).as(r.text()).containsEntry("exitCode", 0).containsEntry("stdout", "/workspace\n");
        assertThat(Files.readString(workspace.root().resolve("job-1/result.txt")))
                .isEqualTo("computed\n");
        ToolResult escape = run(Map.of("image", IMAGE, "command", List.of("true"), "workdir", "../.."));
        assertThat(escape.isError()).isTrue();
        assertThat(escape.text()).contains("outside the workspace");
    }

    @Test
    void containersAreNotPrivilegedAndHaveNoNetwork() throws Exception {
        ToolResult r = run(Map.of(
                "image", IMAGE, "command", List.of("sh", "-c", "grep CapEff /proc/self/status; cat /proc/net/dev")));
        String out = (String) r.content().get("stdout");
        assertThat(out).contains("CapEff:\t0000000000000000");
        assertThat(out).contains("lo:").doesNotContain("eth0");
        assertThat(run(Map.of("image", IMAGE, "command", List.of("true"), "network", true))
                        .text())
                .contains("switched off");
    }

    @Test
    void aContainerPastItsTimeLimitIsKilledAndAMissingImageIsNamed() throws Exception {
        long start = System.nanoTime();
        ToolResult r = run(Map.of("image", IMAGE, "command", List.of("sleep", "60"), "timeoutSeconds", 1));
        assertThat(r.isError()).isTrue();
        assertThat(r.content()).containsEntry("timedOut", true);
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(30);
        ToolResult missing = run(Map.of("image", "procos-test/does-not-exist:1", "command", List.of("true")));
        assertThat(missing.text()).contains("is not on the Docker engine");
    }

    @Test
    void theCommandRunsAsAnUnprivilegedUser() throws Exception {
        ToolResult r = run(Map.of("image", IMAGE, "command", List.of("busybox", "id", "-u")));
        String uid = ((String) r.content().get("stdout")).strip();
        assertThat(uid).as(r.text()).matches("\\d+").isNotEqualTo("0").isEqualTo("65534");
    }

    @Test
    void onlyTmpAndTheWorkspaceAreWritable() throws Exception {
        ToolResult r = run(
                Map.of(
                        "image",
                        IMAGE,
                        "workdir",
                        "job-w",
                        "command",
                        List.of(
                                "sh",
                                "-c",
                                "busybox touch /x; echo root=$?; busybox touch /tmp/y; echo tmp=$?; echo from-container > /workspace/out.txt; echo workspace=$?")));
        assertThat(r.content()).as(r.text()).containsEntry("exitCode", 0);
        assertThat((String) r.content().get("stdout")).contains("root=1", "tmp=0", "workspace=0");
        assertThat((String) r.content().get("stderr")).contains("Read-only file system");
        Path written = workspace.root().resolve("job-w/out.txt");
        System.out.println(
                "  on the host: " + written + " = " + Files.readString(written).strip());
        assertThat(Files.readString(written)).isEqualTo("from-container\n");
    }

    @Test
    void theWorkspaceIsMountedNosuidAndNodev() throws Exception {
        ToolResult r = run(
                Map.of("image", IMAGE, "workdir", "job-m", "command", List.of("grep", " /workspace ", "/proc/mounts")));
        assertThat(r.isError()).as(r.text()).isFalse();
        String line = (String) r.content().get("stdout");
        String flags = line.split(" ")[3];
        assertThat(List.of(flags.split(","))).as(line).contains("rw", "nosuid", "nodev");
    }

    @Test
    void theContainerHasCpuMemoryAndProcessLimitsAndProcosLabels() throws Exception {
        // given a run that lasts
        CompletableFuture<ToolResult> running = CompletableFuture.supplyAsync(() -> {
            try {
                return tool.invoke(Map.of("image", IMAGE, "command", List.of("sleep", "60")), context);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // when it is inspected while it runs
        InspectContainerResponse inspected = null;
        for (int i = 0; i < 100 && inspected == null; i++) {
            List<Container> found = containersOf(context.taskId());
            if (!found.isEmpty() && "running".equals(found.get(0).getState()))
                inspected = docker.inspectContainerCmd(found.get(0).getId()).exec();
            else Thread.sleep(100);
        }
        assertThat(inspected)
                .as("a running container of task " + context.taskId())
                .isNotNull();
        HostConfig h = inspected.getHostConfig();
        System.out.println("tried: docker.run [sleep 60], inspected its container while running");
        System.out.println(
                "  got: NanoCpus=" + h.getNanoCPUs() + " Memory=" + h.getMemory() + " MemorySwap=" + h.getMemorySwap()
                        + " PidsLimit=" + h.getPidsLimit() + " ReadonlyRootfs=" + h.getReadonlyRootfs() + " Tmpfs="
                        + h.getTmpFs()
                        + " CapDrop=" + List.of(h.getCapDrop()) + " SecurityOpt=" + h.getSecurityOpts()
                        + " NetworkMode=" + h.getNetworkMode()
                        + " User=" + inspected.getConfig().getUser() + " Labels="
                        + inspected.getConfig().getLabels());
        // then
        assertThat(h.getNanoCPUs()).isEqualTo(1_000_000_000L);
        assertThat(h.getMemory()).isEqualTo(128L * 1024 * 1024);
        assertThat(h.getMemorySwap()).isEqualTo(128L * 1024 * 1024);
        assertThat(h.getPidsLimit()).isEqualTo(256L);
        assertThat(h.getReadonlyRootfs()).isTrue();
        assertThat(h.getTmpFs()).containsKey("/tmp");
        assertThat(h.getTmpFs().get("/tmp")).contains("nosuid", "nodev", "noexec", "size=64m");
        assertThat(h.getCapDrop()).containsExactly(Capability.ALL);
        assertThat(h.getSecurityOpts()).contains("no-new-privileges");
        assertThat(h.getNetworkMode()).isEqualTo("none");
        assertThat(inspected.getConfig().getUser()).isEqualTo("65534:65534");
        assertThat(inspected.getConfig().getLabels())
                .containsEntry(ContainerOwner.OWNER, "procos")
                .containsEntry(ContainerOwner.CALL, context.taskId())
                .containsKey(ContainerOwner.DEADLINE)
                .containsEntry(ContainerOwner.HOME, home.toString())
                .containsEntry(ContainerOwner.START, DockerEngine.START);
        context.cancel().set(true);
        ToolResult cancelled = running.get(30, TimeUnit.SECONDS);
        System.out.println("  cancelled: " + cancelled.text());
        assertThat(cancelled.text()).contains("cancelled");
        assertThat(containersOf(context.taskId()))
                .as("a cancelled run is cut short: it goes, and a call made again runs afresh")
                .isEmpty();
    }

    @Test
    void anImageNotOnTheAllowListIsRefusedWithItsName() throws Exception {
        tool = tool(config("procos-test/other:2", "alpine:3.20"));
        ToolResult refused = run(Map.of("image", IMAGE, "command", List.of("true")));
        assertThat(refused.isError()).isTrue();
        assertThat(refused.text()).contains("'" + IMAGE + "' is not allowed", "procos-test/other:2, alpine:3.20");
        assertThat(containersOf(context.taskId())).isEmpty();

        tool = tool(config(IMAGE));
        ToolResult allowed = run(Map.of("image", IMAGE, "command", List.of("echo", "allowed")));
        assertThat(allowed.content()).as(allowed.text()).containsEntry("stdout", "allowed\n");
    }

    @Test
    void containersOfCallsThatMayBeMadeAgainStayWhenTheComponentActivatesAndTheRestGo() throws Exception {
        // given what a ProcOS killed with kill -9 left: containers of its calls, running and ended, one of an older
        // ProcOS without a call label, one never started; and one of another ProcOS on the same engine
        ContainerOwner killed = new ContainerOwner(home.toString(), "killed-start", Instant.now(), Duration.ofHours(1));
        Instant later = Instant.now().plusSeconds(300);
        String older = startContainer(
                Map.of(
                        ContainerOwner.OWNER,
                        "procos",
                        ContainerOwner.HOME,
                        home.toString(),
                        ContainerOwner.START,
                        "older-start",
                        "io.procos.task",
                        "docker-test-older"),
                List.of("sleep", "300"));
        String running = startContainer(killed.labels("docker-test-running", "input", later), List.of("sleep", "300"));
        String expired = startContainer(
                killed.labels("docker-test-expired", "input", Instant.now().minusSeconds(10)), List.of("sleep", "300"));
        String ended = startContainer(killed.labels("docker-test-ended", "input", later), List.of("true"));
        docker.waitContainerCmd(ended).exec(new WaitContainerResultCallback()).awaitStatusCode(30, TimeUnit.SECONDS);
        String created = createContainer(killed.labels("docker-test-created", "input", later), List.of("true"));
        String others = startContainer(
                new ContainerOwner(dir.resolve("another-home").toString(), "other-start", Instant.now(), Duration.ZERO)
                        .labels("docker-test-other", "input", later),
                List.of("sleep", "300"));
        System.out.println("tried: left containers older " + older.substring(0, 12) + ", running "
                + running.substring(0, 12) + ", expired " + expired.substring(0, 12) + ", ended "
                + ended.substring(0, 12) + ", created " + created.substring(0, 12) + " and another ProcOS's "
                + others.substring(0, 12) + ", then activated DockerEngine");
        try {
            // when ProcOS starts
            DockerEngine engine = new DockerEngine(home, config());
            try {
                // then what no call made again can want is gone, the rest stays
                System.out.println("  got: running " + status(running) + ", expired " + status(expired) + ", ended "
                        + status(ended) + ", other " + status(others));
                assertThatThrownBy(() -> docker.inspectContainerCmd(older).exec())
                        .isInstanceOf(NotFoundException.class);
                assertThatThrownBy(() -> docker.inspectContainerCmd(created).exec())
                        .isInstanceOf(NotFoundException.class);
                assertThat(status(running)).as("within its time limit").isEqualTo("running");
                assertThat(status(expired)).as("killed at its time limit, kept").isEqualTo("exited");
                assertThat(status(ended)).isEqualTo("exited");
                assertThat(status(others)).isEqualTo("running");
                assertThat(engine.removeLeftovers())
                        .as("a second look finds nothing")
                        .isZero();
            } finally {
                engine.deactivate();
            }
            // when ProcOS starts with nothing to keep
            DockerEngine keepNothing = new DockerEngine(home, config(0));
            try {
                // then the ended ones go too, and the running one stays until its time limit
                assertThatThrownBy(() -> docker.inspectContainerCmd(ended).exec())
                        .isInstanceOf(NotFoundException.class);
                assertThatThrownBy(() -> docker.inspectContainerCmd(expired).exec())
                        .isInstanceOf(NotFoundException.class);
                assertThat(status(running)).isEqualTo("running");
            } finally {
                keepNothing.deactivate();
            }
        } finally {
            for (String id : List.of(older, running, expired, ended, created, others))
                ContainerOwner.remove(docker, id);
        }
    }

    @Test
    void theSameCallTwiceRunsTheCommandOnceAndTheSecondAnswersTheFirstOutput() throws Exception {
        // given a command with an effect in the workspace and an output of its own
        Map<String, Object> input = Map.of(
                "image",
                IMAGE,
                "workdir",
                "job-once",
                "command",
                List.of("sh", "-c", "cat /proc/sys/kernel/random/uuid >> runs.txt; cat runs.txt"));

        // when the call is made, then made again with its key (ProcOS stopped before its result was recorded)
        ToolResult first = run(input);
        ToolResult again = run(input);

        // then the command ran once, and the second call answers the first one's output
        assertThat(first.content())
                .as(first.text())
                .containsEntry("exitCode", 0)
                .doesNotContainKey("repeated");
        assertThat(again.content())
                .as(again.text())
                .containsEntry("repeated", true)
                .containsEntry("exitCode", 0)
                .containsEntry("stdout", first.content().get("stdout"));
        assertThat(Files.readAllLines(workspace.root().resolve("job-once/runs.txt")))
                .hasSize(1);
        assertThat(containersOf(context.taskId())).hasSize(1);

        // and a retry after a reported failure (a key of its own) runs it again
        context = new TaskContext();
        ToolResult retry = run(input);
        assertThat(retry.content()).doesNotContainKey("repeated");
        assertThat(Files.readAllLines(workspace.root().resolve("job-once/runs.txt")))
                .hasSize(2);
    }

    @Test
    void aContainerAKilledProcosLeftRunningIsWaitedForAndNotRunAgain() throws Exception {
        // given the container of this call, started by a ProcOS that was killed while it ran
        List<String> command = List.of("sh", "-c", "sleep 2; cat /proc/sys/kernel/random/uuid");
        ContainerOwner killed = new ContainerOwner(home.toString(), "killed-start", Instant.now(), Duration.ofHours(1));
        String left = startContainer(
                killed.labels(
                        context.taskId(),
                        DockerRunTool.inputKey(IMAGE, command, Map.of(), null),
                        Instant.now().plusSeconds(60)),
                command);

        // when the call is made again
        long start = System.nanoTime();
        ToolResult again = run(Map.of("image", IMAGE, "command", command));

        // then it waited for that container and took its output; no second container ran
        assertThat(again.content())
                .as(again.text())
                .containsEntry("repeated", true)
                .containsEntry("exitCode", 0)
                .containsEntry("timedOut", false);
        assertThat((String) again.content().get("stdout")).matches("[0-9a-f-]{36}\n");
        assertThat(again.text()).contains("waited for it, not run again");
        assertThat((System.nanoTime() - start) / 1e9).isGreaterThan(0.5);
        assertThat(containersOf(context.taskId())).extracting(Container::getId).containsExactly(left);
    }

    @Test
    void aContainerThatEndedAfterItsTimeLimitWhileProcosWasDownCountsAsTimedOut() throws Exception {
        // given a container of this call that ran past its time limit while no ProcOS was there to kill it
        List<String> command = List.of("true");
        ContainerOwner killed = new ContainerOwner(home.toString(), "killed-start", Instant.now(), Duration.ofHours(1));
        String left = startContainer(
                killed.labels(
                        context.taskId(),
                        DockerRunTool.inputKey(IMAGE, command, Map.of(), null),
                        Instant.now().minusSeconds(60)),
                command);
        docker.waitContainerCmd(left).exec(new WaitContainerResultCallback()).awaitStatusCode(30, TimeUnit.SECONDS);

        // when the call is made again
        ToolResult again = run(Map.of("image", IMAGE, "command", command));

        // then it says what the call would have said: killed at its time limit
        assertThat(again.isError()).isTrue();
        assertThat(again.content()).containsEntry("repeated", true).containsEntry("timedOut", true);
    }

    @Test
    void anEndedContainerOfThisCallIsTakenAndOneOfAnotherInputRemoved() throws Exception {
        // given a container of this call that ended (ProcOS was killed before the call's result was recorded)
        List<String> command = List.of("cat", "/proc/sys/kernel/random/uuid");
        String earlier = startContainer(
                owner.labels(
                        context.taskId(),
                        DockerRunTool.inputKey(IMAGE, command, Map.of(), null),
                        Instant.now().plusSeconds(60)),
                command);
        docker.waitContainerCmd(earlier).exec(new WaitContainerResultCallback()).awaitStatusCode(30, TimeUnit.SECONDS);
        // when the call is made again, twice
        ToolResult again = run(Map.of("image", IMAGE, "command", command));
        ToolResult third = run(Map.of("image", IMAGE, "command", command));
        // then the earlier result comes back each time, and the container stays in case this call is cut short too
        assertThat(again.content())
                .as(again.text())
                .containsEntry("repeated", true)
                .containsEntry("exitCode", 0);
        assertThat(third.content()).containsEntry("stdout", again.content().get("stdout"));
        assertThat(containersOf(context.taskId())).extracting(Container::getId).containsExactly(earlier);

        // given an ended container of another call with this key's input changed
        context = new TaskContext();
        String other = startContainer(
                owner.labels(context.taskId(), "another-input", Instant.now().plusSeconds(60)),
                List.of("echo", "stale"));
        docker.waitContainerCmd(other).exec(new WaitContainerResultCallback()).awaitStatusCode(30, TimeUnit.SECONDS);
        ToolResult rerun = run(Map.of("image", IMAGE, "command", List.of("echo", "new")));
        assertThat(rerun.content()).containsEntry("stdout", "new\n").doesNotContainKey("repeated");
        assertThatThrownBy(() -> docker.inspectContainerCmd(other).exec()).isInstanceOf(NotFoundException.class);
    }

    @Test
    void anEndedContainerGoesOnceItEndedLongerAgoThanTheTimeToKeepIt() throws Exception {
        // given a call that ended
        ToolResult r = run(Map.of("image", IMAGE, "command", List.of("true")));
        assertThat(containersOf(context.taskId())).as(r.text()).hasSize(1);

        // when the sweep looks later than keepEndedMinutes after it
        int removed = new ContainerOwner(home.toString(), DockerEngine.START, DockerEngine.STARTED_AT, Duration.ZERO)
                .sweep(docker, Instant.now().plusSeconds(5));

        // then
        assertThat(removed).isEqualTo(1);
        assertThat(containersOf(context.taskId())).isEmpty();
    }

    private static String status(String id) {
        return docker.inspectContainerCmd(id).exec().getState().getStatus();
    }

    private ToolResult run(Map<String, Object> input) throws Exception {
        ToolResult r = tool.invoke(input, context);
        System.out.println("tried: docker.run " + input);
        System.out.println("  got: " + (r.isError() ? "error: " : "") + r.text() + " " + r.content());
        return r;
    }

    private DockerRunTool tool(DockerConfiguration config) {
        return new DockerRunTool(() -> docker, workspace, mount, owner, config);
    }

    private static String startContainer(Map<String, String> labels, List<String> command) {
        String id = createContainer(labels, command);
        docker.startContainerCmd(id).exec();
        return id;
    }

    private static String createContainer(Map<String, String> labels, List<String> command) {
        return docker.createContainerCmd(IMAGE)
                .withCmd(command)
                .withLabels(labels)
                .withHostConfig(
                        HostConfig.newHostConfig().withNetworkMode("none").withCapDrop(Capability.ALL))
                .exec()
                .getId();
    }

    private List<Container> containersOf(String callKey) {
        return owner.ofCall(docker, callKey);
    }

    static DockerConfiguration config(String... allowedImages) {
        return config(60, allowedImages);
    }

    static DockerConfiguration config(int keepEndedMinutes, String... allowedImages) {
        return new DockerConfiguration() {
            public Class<? extends Annotation> annotationType() {
                return DockerConfiguration.class;
            }

            public String host() {
                return HOST;
            }

            public String workspace() {
                return "data/workspace";
            }

            public String[] allowedImages() {
                return allowedImages;
            }

            public String user() {
                return "65534:65534";
            }

            public double cpus() {
                return 1.0;
            }

            public int pidsLimit() {
                return 256;
            }

            public int tmpSizeMb() {
                return 64;
            }

            public boolean workspaceNosuidRequired() {
                return true;
            }

            public int defaultTimeoutSeconds() {
                return 60;
            }

            public int maxTimeoutSeconds() {
                return 600;
            }

            public int defaultMemoryMb() {
                return 128;
            }

            public int maxMemoryMb() {
                return 1024;
            }

            public int maxOutputBytes() {
                return 65536;
            }

            public boolean allowNetwork() {
                return false;
            }

            public int keepEndedMinutes() {
                return keepEndedMinutes;
            }
        };
    }
}
