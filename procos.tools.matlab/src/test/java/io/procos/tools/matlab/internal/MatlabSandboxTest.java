package io.procos.tools.matlab.internal;

import static io.procos.tools.matlab.internal.MatlabRunToolTest.CONTEXT;
import static io.procos.tools.matlab.internal.MatlabRunToolTest.config;
import static io.procos.tools.matlab.internal.MatlabRunToolTest.onPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.procos.api.tool.Sandbox;
import io.procos.api.tool.ToolResult;
import io.procos.api.tool.Workspace;
import io.procos.sandbox.internal.BubblewrapSandbox;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripts that try to leave matlab.run's workspace, on the real GNU Octave in the real bubblewrap sandbox,
 * with a ProcOS home laid out as the distribution has it: conf/api-token, tools/, data/workspace.
 */
class MatlabSandboxTest {

    private static final String SECRET = "api-token-7c1e-never-print-me";

    @TempDir
    Path dir;

    private Path home;
    private Workspace workspace;
    private MatlabEngine engine;
    private Sandbox sandbox;
    private MatlabRunTool tool;

    @BeforeEach
    void setUp() throws Exception {
        Optional<MatlabEngine> found = MatlabEngine.find("matlab", "octave-cli");
        assumeTrue(
                found.isPresent(),
                "SKIPPED: neither MATLAB nor GNU Octave (octave-cli) is on the PATH; install the Debian package octave");
        assumeTrue(
                onPath("bwrap"),
                "SKIPPED: bubblewrap (bwrap) is not on the PATH; install the Debian package bubblewrap");
        engine = found.get();
        home = dir.resolve("home");
        Files.createDirectories(home.resolve("conf"));
        Files.createDirectories(home.resolve("tools"));
        Files.writeString(home.resolve("conf/api-token"), SECRET);
        workspace = new Workspace(home.resolve("data/workspace"));
        sandbox = new BubblewrapSandbox("bwrap", List.of(), home);
        assertThat(sandbox.unavailableReason())
                .as("bubblewrap is installed, so the sandbox must work")
                .isNull();
        tool = new MatlabRunTool(() -> found, () -> Optional.of(sandbox), workspace, config());
    }

    @Test
    void theApiTokenCannotBeRead() throws Exception {
        for (String script : List.of(
                "disp(fileread('../../conf/api-token'))",
                "disp(fileread('" + home.resolve("conf/api-token") + "'))",
                "d = dir('../..'); disp({d.name})")) {
            ToolResult r = attack(script);
            assertThat(r.text() + r.content()).doesNotContain(SECRET);
            assertThat(String.valueOf(r.content().get("stdout")))
                    .doesNotContain("conf")
                    .doesNotContain("tools");
        }
    }

    @Test
    void nothingCanBeWrittenIntoToolsOrConf() throws Exception {
        ToolResult jar = attack("fid = fopen('../../tools/x.jar', 'w'); fprintf(fid, 'evil'); fclose(fid);");
        ToolResult cfg = attack("fid = fopen('../../conf/evil.cfg', 'w'); fprintf(fid, 'evil=1'); fclose(fid);");
        // ../.. exists in the sandbox only as the empty path to the workspace, on a throw-away /tmp
        ToolResult made = attack(
                "mkdir('../../tools'); fid = fopen('../../tools/x.jar', 'w'); fprintf(fid, 'evil'); fclose(fid); "
                        + "disp(exist('../../tools/x.jar', 'file'))");
        ToolResult absolute = attack(
                "fid = fopen('" + home.resolve("conf/evil.cfg") + "', 'w'); fprintf(fid, 'evil=1'); fclose(fid);");
        System.out.println("[matlab.run] on the host: tools/ holds " + list(home.resolve("tools")) + ", conf/ holds "
                + list(home.resolve("conf")));
        assertThat(jar.isError()).isTrue();
        assertThat(cfg.isError()).isTrue();
        assertThat(absolute.isError()).isTrue();
        assertThat(made.content().get("stdout").toString().strip()).isEqualTo("2");
        assertThat(home.resolve("tools/x.jar")).doesNotExist();
        assertThat(home.resolve("conf/evil.cfg")).doesNotExist();
        assertThat(list(home.resolve("tools"))).isEmpty();
        assertThat(list(home.resolve("conf"))).containsExactly("api-token");
    }

    @Test
    void programsStartedPastTheDenylistRunAsNobodyAndSeeNoHome() throws Exception {
        String shell = "id -u; ls -a /root; ls ../../conf; cat " + home.resolve("conf/api-token");
        for (String script : List.of(
                "[s, o] = feval('system', '" + shell + "'); disp(o)",
                "[s, o] = builtin('system', '" + shell + "'); disp(o)",
                "f = str2func('system'); [s, o] = f('" + shell + " 2>&1'); disp(o)",
                "h = @system; [s, o] = h('" + shell + " 2>&1'); disp(o)",
                "evalin('base', ['[s, o] = sys' 'tem(''" + shell.replace("'", "''") + " 2>&1''); disp(o)'])")) {
            ToolResult r = attack(script);
            String stdout = String.valueOf(r.content().get("stdout"));
            assertThat(stdout.lines().findFirst())
                    .as("id -u inside the sandbox")
                    .hasValue("65534");
            assertThat(r.text() + r.content()).doesNotContain(SECRET).doesNotContain(".bashrc");
        }
        ToolResult plain = attack("system('id')");
        assertThat(plain.text())
                .as("the denylist still answers first where it can")
                .contains("refuses");
    }

    @Test
    void thereIsNoNetwork() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            ToolResult url = attack("s = urlread('http://127.0.0.1:" + port + "/'); disp(s)");
            ToolResult tcp = attack("[s, o] = feval('system', 'bash -c \"echo hello > /dev/tcp/127.0.0.1/" + port
                    + " && echo CONNECTED\" 2>&1'); disp(o)");
            server.setSoTimeout(1000);
            boolean accepted;
            try (var s = server.accept()) {
                accepted = true;
            } catch (SocketTimeoutException e) {
                accepted = false;
            }
            System.out.println(
                    "[matlab.run] the test's server on 127.0.0.1:" + port + " saw a connection: " + accepted);
            assertThat(url.isError()).isTrue();
            assertThat(url.text()).containsIgnoringCase("connect");
            assertThat(String.valueOf(tcp.content().get("stdout"))).doesNotContain("CONNECTED");
            assertThat(accepted).isFalse();
        }
    }

    @Test
    void ordinaryMatrixWorkStillWorks() throws Exception {
        ToolResult r = tool.invoke(
                Map.of("script", "A = [1 2; 3 4]; B = A * A; d = det(A);", "variables", List.of("B", "d")), CONTEXT);
        System.out.println(
                "[matlab.run] A*A and det(A) in the sandbox: " + r.content().get("variables"));
        assertThat(r.isError()).as(r.text()).isFalse();
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) r.content().get("variables");
        assertThat(values.get("B")).isEqualTo(List.of(List.of(7, 10), List.of(15, 22)));
        assertThat(((Number) values.get("d")).doubleValue()).isCloseTo(-2.0, Offset.offset(1e-9));
        assertThat(list(workspace.root()))
                .as("the script file is removed afterwards")
                .isEmpty();
    }

    @Test
    void withoutASandboxNothingRuns() throws Exception {
        String script = "fid = fopen('ran.txt', 'w'); fclose(fid);";
        MatlabRunTool none = new MatlabRunTool(() -> Optional.of(engine), Optional::empty, workspace, config());
        Sandbox broken = new BubblewrapSandbox("/nowhere/bwrap", List.of(), home);
        MatlabRunTool unavailable =
                new MatlabRunTool(() -> Optional.of(engine), () -> Optional.of(broken), workspace, config());
        ToolResult r1 = none.invoke(Map.of("script", script), CONTEXT);
        ToolResult r2 = unavailable.invoke(Map.of("script", script), CONTEXT);
        System.out.println(
                "[matlab.run] without a sandbox: " + r1.text() + "\n[matlab.run] with bwrap missing: " + r2.text());
        assertThat(r1.isError()).isTrue();
        assertThat(r1.text()).contains("sandbox").contains("procos.sandbox");
        assertThat(r2.isError()).isTrue();
        assertThat(r2.text()).contains("install bubblewrap (Debian package bubblewrap");
        assertThat(workspace.root().resolve("ran.txt")).doesNotExist();
    }

    @Test
    void aScriptStoppedAtItsTimeLimitLeavesNoProcessBehind() throws Exception {
        ToolResult r = tool.invoke(Map.of("script", "pause(60);", "timeoutSeconds", 2), CONTEXT);
        assertThat(r.text()).contains("did not finish within 2 s");
        Thread.sleep(500);
        List<String> left = ProcessHandle.current()
                .descendants()
                .map(p -> p.info().command().orElse("?"))
                .toList();
        System.out.println("[matlab.run] processes left after the time limit: " + left);
        assertThat(left).noneMatch(c -> c.contains("octave") || c.contains("bwrap"));
        assertThat(list(workspace.root())).isEmpty();
    }

    @Test
    void whatTheSandboxCosts() throws Exception {
        Path script = workspace.root().resolve("cost.m");
        Files.writeString(script, "A = rand(200); B = A * A; d = det(A);\n");
        List<String> command = engine.command(script);
        List<Double> sandboxed = new ArrayList<>();
        List<Double> direct = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sandboxed.add(seconds(() -> sandbox.start(command, workspace, workspace.root(), Map.of())));
            direct.add(seconds(() -> new ProcessBuilder(command)
                    .directory(workspace.root().toFile())
                    .start()));
        }
        double s = median(sandboxed);
        double d = median(direct);
        System.out.printf(
                "[matlab.run] sandbox cost: %.2f s vs %.2f s (%+.2f s), median of 5 runs of octave-cli%n", s, d, s - d);
    }

    /** Runs one attack through the production tool (denylist on) and prints what was tried and what came back. */
    private ToolResult attack(String script) throws Exception {
        ToolResult r = tool.invoke(Map.of("script", script), CONTEXT);
        System.out.println("[matlab.run] tried: " + script + "\n[matlab.run]   got: error=" + r.isError() + ", text: "
                + r.text().strip().replace('\n', '|') + ", stdout: "
                + String.valueOf(r.content().get("stdout")).strip().replace('\n', '|')
                + ", stderr: "
                + String.valueOf(r.content().get("stderr")).strip().replace('\n', '|'));
        return r;
    }

    private static List<String> list(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static double seconds(Callable<Process> starting) throws Exception {
        long start = System.nanoTime();
        Process p = starting.call();
        p.getOutputStream().close();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        p.getErrorStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return (System.nanoTime() - start) / 1e9;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
