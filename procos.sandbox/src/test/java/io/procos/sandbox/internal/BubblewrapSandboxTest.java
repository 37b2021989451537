package io.procos.sandbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.procos.api.tool.Workspace;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real bubblewrap on this machine, with a ProcOS home laid out as the distribution has it. */
class BubblewrapSandboxTest {

    private static final String SECRET = "token-4f2a-do-not-leak";

    @TempDir
    Path dir;

    private Path home;
    private Workspace workspace;
    private BubblewrapSandbox sandbox;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(
                onPath("bwrap"),
                "SKIPPED: bubblewrap (bwrap) is not on the PATH; install the Debian package bubblewrap");
        home = dir.resolve("home");
        Files.createDirectories(home.resolve("conf"));
        Files.createDirectories(home.resolve("tools"));
        Files.writeString(home.resolve("conf/api-token"), SECRET);
        workspace = new Workspace(home.resolve("data/workspace"));
        sandbox = new BubblewrapSandbox("bwrap", List.of(), home);
    }

    @Test
    void aProgramSeesOnlyTheWorkspaceAsAnUnprivilegedUser() throws Exception {
        // given
        assertThat(sandbox.unavailableReason()).isNull();
        assertThat(sandbox.name()).startsWith("bubblewrap");
        // when
        String tried = "id -u; cat ../../conf/api-token; cat " + home + "/conf/api-token; ls /root; "
                + "echo evil > ../../tools/x.jar; echo mine > result.txt; pwd";
        Result r = run(List.of("sh", "-c", tried), workspace.root());
        // then
        System.out.println("[sandbox] tried: " + tried + "\n[sandbox] got " + r);
        assertThat(r.output)
                .startsWith("65534")
                .doesNotContain(SECRET)
                .contains(workspace.root().toString());
        assertThat(home.resolve("tools/x.jar")).doesNotExist();
        assertThat(workspace.root().resolve("result.txt")).hasContent("mine");
    }

    @Test
    void thereIsNoNetwork() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(1500);
            String tried = "echo hello > /dev/tcp/127.0.0.1/" + server.getLocalPort() + " && echo CONNECTED";
            Result r = run(List.of("bash", "-c", tried), workspace.root());
            boolean accepted;
            try (var s = server.accept()) {
                accepted = true;
            } catch (SocketTimeoutException e) {
                accepted = false;
            }
            System.out.println("[sandbox] tried: " + tried + "\n[sandbox] got " + r
                    + "\n[sandbox] host server accepted a connection: " + accepted);
            assertThat(r.output).doesNotContain("CONNECTED");
            assertThat(accepted).isFalse();
        }
    }

    @Test
    void aHomeBelowAReadOnlyPathIsCovered() throws Exception {
        // the temp folder holding the home is "installed software" here, as /usr/local would be
        Files.writeString(dir.resolve("installed.txt"), "a program's file");
        BubblewrapSandbox wide = new BubblewrapSandbox("bwrap", List.of(dir), home);
        assertThat(wide.unavailableReason()).isNull();
        String tried = "cat " + dir + "/installed.txt; cat " + home + "/conf/api-token; ls " + home
                + "/tools && echo TOOLS-VISIBLE; " + "echo evil > " + dir + "/installed.txt";
        Process p = wide.start(List.of("sh", "-c", tried), workspace, workspace.root(), Map.of());
        Result r = result(p);
        System.out.println("[sandbox] tried: " + tried + "\n[sandbox] got " + r);
        assertThat(r.output).contains("a program's file").doesNotContain(SECRET).doesNotContain("TOOLS-VISIBLE");
        assertThat(dir.resolve("installed.txt")).hasContent("a program's file");
    }

    @Test
    void whatIsMissingOrWrongIsSaidPlainly() throws Exception {
        assertThat(new BubblewrapSandbox("/nowhere/bwrap", List.of(), home).unavailableReason())
                .contains("install bubblewrap (Debian package bubblewrap");
        assertThat(new BubblewrapSandbox("bwrap", List.of(home.resolve("conf")), home).unavailableReason())
                .contains("inside the ProcOS home");
        assertThat(new BubblewrapSandbox("bwrap", List.of(Path.of("opt/matlab")), home).unavailableReason())
                .contains("not absolute");
        assertThatThrownBy(() -> new BubblewrapSandbox("/nowhere/bwrap", List.of(), home)
                        .start(List.of("true"), workspace, workspace.root(), Map.of()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("bubblewrap");
        assertThatThrownBy(() -> sandbox.start(List.of("true"), workspace, home, Map.of()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not inside the workspace");
    }

    @Test
    void onlyTheGivenEnvironmentIsSeen() throws Exception {
        Result r = run(List.of("sh", "-c", "env | sort"), workspace.root(), Map.of("GREETING", "hi"));
        assertThat(r.output.lines().toList())
                .contains("GREETING=hi", "HOME=/tmp")
                .noneMatch(l -> l.startsWith("JAVA_HOME=") || l.startsWith("MAVEN"));
    }

    private Result run(List<String> command, Path workdir) throws Exception {
        return run(command, workdir, Map.of());
    }

    private Result run(List<String> command, Path workdir, Map<String, String> env) throws Exception {
        return result(sandbox.start(command, workspace, workdir, env));
    }

    private static Result result(Process p) throws Exception {
        p.getOutputStream().close();
        String out = new String(
                p.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // small: stderr cannot fill up meanwhile
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out.strip(), err.strip());
    }

    private record Result(int exit, String output, String errors) {
        @Override
        public String toString() {
            return "exit " + exit + ", stdout: " + output.replace('\n', '|') + ", stderr: " + errors.replace('\n', '|');
        }
    }

    static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) return true;
        }
        return false;
    }
}
