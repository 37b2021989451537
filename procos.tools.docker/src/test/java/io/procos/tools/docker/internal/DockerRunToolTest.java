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
        owner = new ContainerOwner(home.toString(), DockerEngine.START);
        tool = tool(config());
        context = new TaskContext();
    }

    @AfterEach
    void tearDown() throws Exception {
        mount.release(); // before @TempDir deletes the folder ProcOS may have mounted
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
                .as("the container is removed afterwards")
                .isEmpty();
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
                .containsEntry(ContainerOwner.TASK, context.taskId())
                .containsEntry(ContainerOwner.HOME, home.toString())
                .containsEntry(ContainerOwner.START, DockerEngine.START);
        context.cancel().set(true);
        ToolResult cancelled = running.get(30, TimeUnit.SECONDS);
        System.out.println("  cancelled: " + cancelled.text());
        assertThat(cancelled.text()).contains("cancelled");
        assertThat(containersOf(context.taskId())).isEmpty();
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
    void containersAnEarlierStartLeftBehindAreRemovedWhenTheComponentActivates() throws Exception {
        // given a run of a ProcOS that was killed: its container still runs; and one of another ProcOS on the same
        // engine
        String left = startContainer(
                new ContainerOwner(home.toString(), "killed-start").labels("docker-test-left", "input"),
                List.of("sleep", "300"));
        String others = startContainer(
                new ContainerOwner(dir.resolve("another-home").toString(), "other-start")
                        .labels("docker-test-other", "input"),
                List.of("sleep", "300"));
        System.out.println(
                "tried: left container " + left.substring(0, 12) + " (this home, earlier start, running sleep 300) and "
                        + others.substring(0, 12) + " (another home), then activated DockerEngine");
        try {
            // when ProcOS starts
            DockerEngine engine = new DockerEngine(home, config());
            try {
                // then
                assertThatThrownBy(() -> docker.inspectContainerCmd(left).exec())
                        .isInstanceOf(NotFoundException.class);
                String stillThere =
                        docker.inspectContainerCmd(others).exec().getState().getStatus();
                System.out.println("  got: the left container is gone; the other ProcOS's is " + stillThere);
                assertThat(stillThere).isEqualTo("running");
                assertThat(engine.removeLeftovers())
                        .as("a second look finds nothing")
                        .isZero();
            } finally {
                engine.deactivate();
            }
        } finally {
            ContainerOwner.remove(docker, left);
            ContainerOwner.remove(docker, others);
        }
    }

    @Test
    void aFinishedContainerOfTheSameCallIsReusedAndADifferentOneRemoved() throws Exception {
        // given a container of this task that finished but was not removed (ProcOS lost the engine at that moment)
        List<String> command = List.of("cat", "/proc/sys/kernel/random/uuid");
        String earlier = startContainer(
                owner.labels(context.taskId(), DockerRunTool.inputKey(IMAGE, command, Map.of(), null)), command);
        docker.waitContainerCmd(earlier).exec(new WaitContainerResultCallback()).awaitStatusCode(30, TimeUnit.SECONDS);
        // when the task calls again with the same input
        ToolResult again = run(Map.of("image", IMAGE, "command", command));
        // then the earlier result comes back and the container is gone
        assertThat(again.content())
                .as(again.text())
                .containsEntry("reused", true)
                .containsEntry("exitCode", 0);
        String uuid = (String) again.content().get("stdout");
        assertThat(containersOf(context.taskId())).isEmpty();
        ToolResult fresh = run(Map.of("image", IMAGE, "command", command));
        assertThat(fresh.content()).doesNotContainKey("reused");
        assertThat(fresh.content().get("stdout")).isNotEqualTo(uuid);

        // given a finished container of this task from another input
        String other = startContainer(owner.labels(context.taskId(), "another-input"), List.of("echo", "stale"));
        docker.waitContainerCmd(other).exec(new WaitContainerResultCallback()).awaitStatusCode(30, TimeUnit.SECONDS);
        ToolResult rerun = run(Map.of("image", IMAGE, "command", List.of("echo", "new")));
        assertThat(rerun.content()).containsEntry("stdout", "new\n").doesNotContainKey("reused");
        assertThatThrownBy(() -> docker.inspectContainerCmd(other).exec()).isInstanceOf(NotFoundException.class);
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
        String id = docker.createContainerCmd(IMAGE)
                .withCmd(command)
                .withLabels(labels)
                .withHostConfig(
                        HostConfig.newHostConfig().withNetworkMode("none").withCapDrop(Capability.ALL))
                .exec()
                .getId();
        docker.startContainerCmd(id).exec();
        return id;
    }

    private List<Container> containersOf(String taskId) {
        return owner.ofTask(docker, taskId);
    }

    static DockerConfiguration config(String... allowedImages) {
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
        };
    }
}
