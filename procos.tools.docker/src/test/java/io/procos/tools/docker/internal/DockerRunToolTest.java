package io.procos.tools.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import io.procos.api.tool.ToolContext;
import io.procos.api.tool.ToolResult;
import io.procos.api.tool.Workspace;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker.run against a real Docker engine: the one at DOCKER_HOST, with the image PROCOS_TEST_IMAGE
 * (default procos-test/busybox:1). `./procos test` starts that engine and imports that image.
 */
class DockerRunToolTest {

    static final String IMAGE = System.getenv().getOrDefault("PROCOS_TEST_IMAGE", "procos-test/busybox:1");
    static final String HOST = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
    static DockerClient docker;

    @TempDir
    Path dir;
    private Workspace workspace;
    private DockerRunTool tool;

    static final ToolContext CONTEXT = new ToolContext() {
        public String taskId() { return "docker-test"; }
        public Instant deadline() { return Instant.now().plusSeconds(120); }
        public boolean cancelled() { return false; }
    };

    @BeforeAll
    static void engine() {
        try {
            docker = DockerToolComponent.connect(HOST);
            docker.pingCmd().exec();
            docker.inspectImageCmd(IMAGE).exec();
        } catch (RuntimeException e) {
            assumeTrue(false, "SKIPPED: no Docker engine with image " + IMAGE + " at " + HOST + " (" + e.getMessage()
                    + "); `./procos test` starts one and imports the image");
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        workspace = new Workspace(dir.resolve("workspace"));
        tool = new DockerRunTool(() -> docker, workspace, config());
    }

    @Test
    void aContainerRunsAndItsExitCodeAndBothStreamsComeBack() throws Exception {
        ToolResult r = tool.invoke(Map.of("image", IMAGE, "command", List.of("sh", "-c", "echo hello $WHO; echo oops >&2; exit 3"),
                "env", Map.of("WHO", "ProcOS")), CONTEXT);
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.content()).containsEntry("exitCode", 3).containsEntry("stdout", "hello ProcOS\n").containsEntry("stderr", "oops\n");
        assertThat(docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("io.procos.task", "docker-test")).exec())
                .as("the container is removed afterwards").isEmpty();
    }

    @Test
    void aWorkspaceFolderIsMountedAndEscapesAreRefused() throws Exception {
        ToolResult r = tool.invoke(Map.of("image", IMAGE, "command", List.of("sh", "-c", "echo computed > result.txt; pwd"),
                "workdir", "job-1"), CONTEXT);
        assertThat(r.content()).as(r.text()).containsEntry("exitCode", 0).containsEntry("stdout", "/workspace\n");
        assertThat(Files.readString(workspace.root().resolve("job-1/result.txt"))).isEqualTo("computed\n");
        ToolResult escape = tool.invoke(Map.of("image", IMAGE, "command", List.of("true"), "workdir", "../.."), CONTEXT);
        assertThat(escape.isError()).isTrue();
        assertThat(escape.text()).contains("outside the workspace");
    }

    @Test
    void containersAreNotPrivilegedAndHaveNoNetwork() throws Exception {
        ToolResult r = tool.invoke(Map.of("image", IMAGE, "command", List.of("sh", "-c", "grep CapEff /proc/self/status; cat /proc/net/dev")), CONTEXT);
        String out = (String) r.content().get("stdout");
        assertThat(out).contains("CapEff:\t0000000000000000");
        assertThat(out).contains("lo:").doesNotContain("eth0");
        assertThat(tool.invoke(Map.of("image", IMAGE, "command", List.of("true"), "network", true), CONTEXT).text()).contains("switched off");
    }

    @Test
    void aContainerPastItsTimeLimitIsKilledAndAMissingImageIsNamed() throws Exception {
        long start = System.nanoTime();
        ToolResult r = tool.invoke(Map.of("image", IMAGE, "command", List.of("sleep", "60"), "timeoutSeconds", 1), CONTEXT);
        assertThat(r.isError()).isTrue();
        assertThat(r.content()).containsEntry("timedOut", true);
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(30);
        ToolResult missing = tool.invoke(Map.of("image", "procos-test/does-not-exist:1", "command", List.of("true")), CONTEXT);
        assertThat(missing.text()).contains("is not on the Docker engine");
    }

    static DockerConfiguration config() {
        return new DockerConfiguration() {
            public Class<? extends Annotation> annotationType() { return DockerConfiguration.class; }
            public String host() { return HOST; }
            public String workspace() { return "data/workspace"; }
            public int defaultTimeoutSeconds() { return 60; }
            public int maxTimeoutSeconds() { return 600; }
            public int defaultMemoryMb() { return 128; }
            public int maxMemoryMb() { return 1024; }
            public int maxOutputBytes() { return 65536; }
            public boolean allowNetwork() { return false; }
        };
    }
}
