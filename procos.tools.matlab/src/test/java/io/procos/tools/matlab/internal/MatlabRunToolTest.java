package io.procos.tools.matlab.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.procos.api.tool.Sandbox;
import io.procos.api.tool.ToolContext;
import io.procos.api.tool.ToolResult;
import io.procos.api.tool.Workspace;
import io.procos.sandbox.internal.BubblewrapSandbox;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** matlab.run with the real engine on this machine (GNU Octave here; `./procos test` installs it), in the real sandbox. */
class MatlabRunToolTest {

    static final ToolContext CONTEXT = new ToolContext() {
        public String taskId() {
            return "matlab-test";
        }

        public Instant deadline() {
            return Instant.now().plusSeconds(120);
        }

        public boolean cancelled() {
            return false;
        }
    };

    @TempDir
    Path dir;

    private Workspace workspace;
    private MatlabRunTool tool;

    @BeforeEach
    void setUp() throws Exception {
        Optional<MatlabEngine> engine = MatlabEngine.find("matlab", "octave-cli");
        assumeTrue(
                engine.isPresent(),
                "SKIPPED: neither MATLAB nor GNU Octave (octave-cli) is on the PATH; `./procos test` installs Octave");
        assumeTrue(
                onPath("bwrap"),
                "SKIPPED: bubblewrap (bwrap) is not on the PATH; install the Debian package bubblewrap");
        workspace = new Workspace(dir.resolve("workspace"));
        Optional<Sandbox> sandbox = Optional.of(new BubblewrapSandbox("bwrap", List.of(), dir));
        tool = new MatlabRunTool(() -> engine, () -> sandbox, workspace, config());
    }

    @Test
    void aMatrixResultComesBackAsJson() throws Exception {
        ToolResult r = tool.invoke(
                Map.of(
                        "script",
                        "A = [1 2; 3 4];\nB = A * A';\nd = det(A);\ndisp('computed');",
                        "variables",
                        List.of("B", "d", "notThere")),
                CONTEXT);
        assertThat(r.isError()).as(r.text() + r.content()).isFalse();
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) r.content().get("variables");
        assertThat(values.get("B")).isEqualTo(List.of(List.of(5, 11), List.of(11, 25)));
        assertThat(((Number) values.get("d")).doubleValue()).isCloseTo(-2.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.content().get("stdout").toString().strip()).isEqualTo("computed");
        assertThat(r.content().get("stderr").toString()).doesNotContain("execution_exception");
        assertThat(r.text()).contains("notThere");
    }

    @Test
    void aScriptFileInTheWorkspaceRunsThere() throws Exception {
        Files.writeString(workspace.root().resolve("data.csv"), "1,2,3\n4,5,6\n");
        Files.writeString(workspace.root().resolve("total.m"), "M = csvread('data.csv');\ntotal = sum(M(:));\n");
        ToolResult r = tool.invoke(Map.of("file", "total.m", "variables", List.of("total")), CONTEXT);
        assertThat(r.content().get("variables")).as(r.text()).isEqualTo(Map.of("total", 21));
    }

    @Test
    void aMissingWorkdirIsMadeInsideTheWorkspace() throws Exception {
        ToolResult r = tool.invoke(
                Map.of(
                        "workdir",
                        "results/run1",
                        "script",
                        "fid = fopen('out.txt', 'w'); fprintf(fid, '%d', 42); fclose(fid); here = pwd;",
                        "variables",
                        List.of("here")),
                CONTEXT);
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(workspace.root().resolve("results/run1/out.txt")).hasContent("42");
        assertThat(r.content().get("variables"))
                .isEqualTo(
                        Map.of("here", workspace.root().resolve("results/run1").toString()));
    }

    @Test
    void errorsEscapesAndTimeoutsAreToolErrors() throws Exception {
        ToolResult failing = tool.invoke(Map.of("script", "x = [1 2] * [3 4];"), CONTEXT);
        assertThat(failing.isError()).isTrue();
        assertThat(failing.text()).contains("the script failed").containsIgnoringCase("nonconformant");
        ToolResult shell = tool.invoke(Map.of("script", "system('cat /etc/passwd')"), CONTEXT);
        assertThat(shell.text()).contains("refuses");
        ToolResult outside = tool.invoke(Map.of("file", "../secret.m"), CONTEXT);
        assertThat(outside.text()).contains("outside the workspace");
        ToolResult slow = tool.invoke(Map.of("script", "pause(30);", "timeoutSeconds", 2), CONTEXT);
        assertThat(slow.text()).contains("did not finish within 2 s");
    }

    static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null
                && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                        .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }

    static MatlabConfiguration config() {
        return new MatlabConfiguration() {
            public Class<? extends Annotation> annotationType() {
                return MatlabConfiguration.class;
            }

            public String matlabCommand() {
                return "matlab";
            }

            public String octaveCommand() {
                return "octave-cli";
            }

            public String workspace() {
                return "data/workspace";
            }

            public int defaultTimeoutSeconds() {
                return 60;
            }

            public int maxTimeoutSeconds() {
                return 600;
            }

            public int maxOutputBytes() {
                return 65536;
            }
        };
    }
}
