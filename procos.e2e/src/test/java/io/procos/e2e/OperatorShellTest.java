package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The operator's Gogo commands at the shell of {@code bin/procos start --shell}, typed as an operator types them. */
class OperatorShellTest {

    private final StringBuffer output = new StringBuffer();

    @Test
    void anOperatorListsDeploysDecidesAndChecksHealthFromTheShell() throws Exception {
        try (Distribution procos = Distribution.fresh("shell")) {
            ProcessBuilder pb = new ProcessBuilder(
                            procos.home.resolve("bin/procos").toString(), "start", "--shell")
                    .directory(procos.home.toFile())
                    .redirectError(procos.home.resolve("shell-stderr.log").toFile());
            pb.environment().put("PROCOS_HTTP_PORT", Integer.toString(procos.port));
            Process shell = pb.start();
            Thread reader = new Thread(() -> {
                try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; )
                        output.append(line).append('\n');
                } catch (java.io.IOException ended) {
                    // the shell ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            try (OutputStream typed = shell.getOutputStream()) {
                // the kernel writes the API token on its first start, then the HTTP server starts
                long started = System.nanoTime();
                while (true) {
                    try {
                        procos.awaitHealthy();
                        break;
                    } catch (java.io.IOException notYet) {
                        if (System.nanoTime() - started
                                > Duration.ofSeconds(120).toNanos()) throw notYet;
                        Thread.sleep(250);
                    }
                }
                Files.writeString(
                        procos.home.resolve("note.bpmn"),
                        ProcessRestTest.process(
                                "shell-note", null, "Write the note|Put \"from the shell\" into notes/shell.txt"));

                String tools = type(typed, "procos:tools", "memory.search");
                assertThat(tools).contains("file.write").contains("file.read");

                String deployed = type(typed, "procos:deploy note.bpmn", "shell-note v1");
                assertThat(deployed).contains("Deployed");
                assertThat(type(typed, "procos:processes", "shell-note")).contains("v1");

                String refused = type(typed, "procos:deploy missing.bpmn", "No such file");
                assertThat(refused).contains("missing.bpmn");

                String decision =
                        type(typed, "procos:decide \"Write the note\" \"Put 'hello' into notes/a.txt\"", "Why:");
                assertThat(decision).contains("Tool: file.write").contains("notes/a.txt");

                assertThat(type(typed, "procos:instances FAILED", "No instance."))
                        .isNotBlank();
                assertThat(type(typed, "procos:health", "Bundles:")).containsPattern("ProcOS is (UP|DEGRADED)");
            } finally {
                procos.stop();
                assertThat(shell.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    /** Types a command and returns what the shell printed until {@code expected} appeared in it. */
    private String type(OutputStream typed, String command, String expected) throws Exception {
        int from = output.length();
        typed.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        typed.flush();
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            String since = output.substring(from);
            if (since.contains(expected)) return since;
            Thread.sleep(100);
        }
        throw new AssertionError("'" + command + "' did not print '" + expected + "' within 60 s; the shell printed:\n"
                + output.substring(from));
    }
}
