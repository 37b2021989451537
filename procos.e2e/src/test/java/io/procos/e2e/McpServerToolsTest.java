package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An MCP server from npm ({@code @modelcontextprotocol/server-everything}, the protocol's reference server) as a source
 * of ProcOS tools: configured by a file in {@code conf/}, started in the sandbox, its tools listed and chosen for a
 * task in words like a bundle's, a kill of it reported in health and followed by a restart, and its tools gone when
 * the file is removed; then the same server at a URL (Streamable HTTP), lost and found again.
 */
class McpServerToolsTest {

    static final String PACKAGE = "@modelcontextprotocol/server-everything@2026.8.31";

    static JsonNode check(JsonNode health, String name) {
        for (JsonNode c : health.path("checks")) if (c.path("name").asText().equals(name)) return c;
        return null;
    }

    static boolean listed(Distribution procos, String tool) throws Exception {
        return procos.api("/api/tools/" + tool).statusCode() == 200;
    }

    static void await(String what, Duration timeout, java.util.concurrent.Callable<Boolean> condition)
            throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.call()) return;
            Thread.sleep(200);
        }
        throw new AssertionError(what + " did not happen within " + timeout);
    }

    static List<Long> serverPids() throws Exception {
        Process p = new ProcessBuilder("pgrep", "-f", "server-everything/dist/index.js stdio")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor(10, TimeUnit.SECONDS);
        return out.isEmpty()
                ? List.of()
                : out.lines().map(String::strip).map(Long::parseLong).toList();
    }

    @Test
    void anMcpServerFromNpmServesTasksAndComesBackAfterAKill() throws Exception {
        try (Distribution procos = Distribution.fresh("mcp-client")) {
            // the server's folder, where it is installed: the only folder of ProcOS's its sandbox can see
            Path folder = Files.createDirectories(procos.home.resolve("data/mcp/everything"));
            Process npm = new ProcessBuilder(
                            "npm", "install", "--no-audit", "--no-fund", "--prefix", folder.toString(), PACKAGE)
                    .redirectErrorStream(true)
                    .start();
            String npmOut = new String(npm.getInputStream().readAllBytes());
            assumeTrue(
                    npm.waitFor(5, TimeUnit.MINUTES) && npm.exitValue() == 0,
                    "npm could not install " + PACKAGE + " (the npm registry must be reachable): " + npmOut);

            procos.start();
            procos.awaitHealthy();
            assertThat(listed(procos, "everything.echo")).isFalse();

            // configured while ProcOS runs: the server's tools appear with no restart and no BPMN change
            Path cfg = procos.home.resolve("conf/io.procos.mcp.client-everything.cfg");
            Files.writeString(
                    cfg,
                    "# the MCP reference server, started in data/mcp/everything inside the sandbox\n"
                            + "command=node node_modules/@modelcontextprotocol/server-everything/dist/index.js stdio\n");
            await("everything.echo listed", Duration.ofSeconds(60), () -> listed(procos, "everything.echo"));
            JsonNode echo = procos.json(procos.api("/api/tools/everything.echo"));
            assertThat(echo.path("description").asText())
                    .contains("Echoes back")
                    .contains("MCP server everything");
            assertThat(echo.path("inputSchema").toString()).contains("message");
            JsonNode up = check(procos.health(), "mcp.everything");
            assertThat(up).as(procos.health().toString()).isNotNull();
            assertThat(up.path("status").asText()).as(up.toString()).isEqualTo("UP");
            assertThat(up.path("detail").asText()).contains("tool(s)");

            // a task in words: the planner chooses the server's tool and fills its argument; the process runs it
            JsonNode decision = procos.json(
                    procos.post(
                            "/api/tde/decide",
                            "application/json",
                            """
                    {"task": {"name": "Echo the message", "documentation": "Echo back the message 'hello from ProcOS'"}}"""));
            assertThat(decision.path("tool").asText()).as(decision.toString()).isEqualTo("everything.echo");
            assertThat(decision.path("arguments").path("message").asText())
                    .as(decision.toString())
                    .contains("hello from ProcOS");
            assertThat(procos.post(
                                    "/api/processes?name=echo.bpmn",
                                    "application/xml",
                                    ProcessRestTest.process(
                                            "echo", null, "Echo the message|Echo back the message 'hello from ProcOS'"))
                            .statusCode())
                    .isEqualTo(201);
            String id = procos.json(procos.post("/api/processes/echo/start", "application/json", "{}"))
                    .path("id")
                    .asText();
            JsonNode view = procos.awaitInstanceEnd(id, Duration.ofSeconds(60));
            assertThat(view.path("state").asText()).as(view.toString()).isEqualTo("COMPLETED");
            JsonNode task = view.path("tasks").get(0);
            assertThat(task.path("tool").asText()).as(view.toString()).isEqualTo("everything.echo");
            assertThat(view.toString()).contains("Echo: hello from ProcOS");

            // the server runs as nobody in the sandbox; killed, it is reported and started again
            List<Long> pids = serverPids();
            assertThat(pids).as("the server's process").isNotEmpty();
            for (long pid : pids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            JsonNode down = procos.awaitHealth(
                    h -> {
                        JsonNode c = check(h, "mcp.everything");
                        return c != null && c.path("detail").asText().contains("ended");
                    },
                    Duration.ofSeconds(20));
            assertThat(check(down, "mcp.everything").path("status").asText()).isEqualTo("DEGRADED");
            assertThat(check(down, "mcp.everything").path("detail").asText())
                    .contains("exit code")
                    .contains("starting it again");
            procos.awaitHealth(
                    h -> {
                        JsonNode c = check(h, "mcp.everything");
                        return c != null
                                && c.path("status").asText().equals("UP")
                                && c.path("detail").asText().contains("started again 1 time");
                    },
                    Duration.ofSeconds(30));
            assertThat(listed(procos, "everything.echo")).isTrue();
            assertThat(serverPids()).doesNotContainAnyElementsOf(pids);

            // the file removed: the server stops and its tools go
            Files.delete(cfg);
            await("everything.echo gone", Duration.ofSeconds(30), () -> !listed(procos, "everything.echo"));
            assertThat(check(procos.health(), "mcp.everything")).isNull();
            await("the server's process gone", Duration.ofSeconds(15), () -> serverPids()
                    .isEmpty());

            // a server at a URL (Streamable HTTP), run outside ProcOS: its tools reach the network, so a process
            // names them in its policy to use them
            int port = Distribution.freePort();
            Process remote = startHttpServer(folder, port);
            try {
                Path remoteCfg = procos.home.resolve("conf/io.procos.mcp.client-remote.cfg");
                Files.writeString(remoteCfg, "url=http://127.0.0.1:" + port + "/mcp\n");
                await("remote.echo listed", Duration.ofSeconds(60), () -> listed(procos, "remote.echo"));
                assertThat(procos.json(procos.api("/api/tools/remote.echo"))
                                .path("reach")
                                .toString())
                        .contains("network");
                assertThat(procos.post(
                                        "/api/processes?name=remote-echo.bpmn",
                                        "application/xml",
                                        ProcessRestTest.processAllowing(
                                                "remote-echo",
                                                "default, remote.echo",
                                                "Echo the message|Echo back the message 'hello over HTTP'"))
                                .statusCode())
                        .isEqualTo(201);
                String remoteRun = procos.json(
                                procos.post("/api/processes/remote-echo/start", "application/json", "{}"))
                        .path("id")
                        .asText();
                JsonNode remoteView = procos.awaitInstanceEnd(remoteRun, Duration.ofSeconds(60));
                assertThat(remoteView.path("state").asText())
                        .as(remoteView.toString())
                        .isEqualTo("COMPLETED");
                assertThat(remoteView.toString()).contains("Echo: hello over HTTP");

                // the remote server goes: a ping finds out, health says so; back on its port, ProcOS reconnects
                remote.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                JsonNode gone = procos.awaitHealth(
                        h -> {
                            JsonNode c = check(h, "mcp.remote");
                            return c != null && c.path("status").asText().equals("DEGRADED");
                        },
                        Duration.ofSeconds(40));
                assertThat(check(gone, "mcp.remote").path("detail").asText()).contains("starting it again");
                remote = startHttpServer(folder, port);
                procos.awaitHealth(
                        h -> {
                            JsonNode c = check(h, "mcp.remote");
                            return c != null && c.path("status").asText().equals("UP");
                        },
                        Duration.ofSeconds(60));
                assertThat(listed(procos, "remote.echo")).isTrue();
            } finally {
                remote.destroyForcibly();
            }
        }
    }

    /** The reference server over Streamable HTTP on a port of this machine, as a remote service would run. */
    static Process startHttpServer(Path folder, int port) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                        "node", "node_modules/@modelcontextprotocol/server-everything/dist/index.js", "streamableHttp")
                .directory(folder.toFile())
                .redirectErrorStream(true)
                .redirectOutput(folder.resolve("http-server.log").toFile());
        pb.environment().put("PORT", Integer.toString(port));
        Process p = pb.start();
        long end = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < end) {
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                return p;
            } catch (java.io.IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("the HTTP MCP server did not listen on " + port + ": "
                + Files.readString(folder.resolve("http-server.log")));
    }
}
