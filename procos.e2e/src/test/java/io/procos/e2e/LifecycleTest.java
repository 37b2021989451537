package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** Start, look, stop: the distribution as a user first meets it. */
class LifecycleTest {

    @Test
    void startsHealthyWithGeneratedCredentialsAndStopsCleaning() throws Exception {
        try (Distribution procos = Distribution.fresh("lifecycle")) {
            // when ProcOS is started for the first time
            Distribution.Result started = procos.start();

            // then it says where the credentials are, and they exist, readable by the owner only
            assertThat(started.output()).contains("conf/api-token", "conf/console-password");
            for (String file : List.of("conf/api-token", "conf/console-password")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(procos.home.resolve(file))))
                        .as(file)
                        .isEqualTo("rw-------");
            }
            assertThat(procos.token()).hasSizeGreaterThanOrEqualTo(32);

            // and /api/health answers only with the token, naming every ProcOS bundle as ACTIVE
            assertThat(procos.get("/api/health", null).statusCode()).isEqualTo(401);
            assertThat(procos.get("/api/health", "Bearer wrong-token").statusCode())
                    .isEqualTo(401);
            JsonNode health = procos.awaitHealthy();
            assertThat(health.path("framework").asText()).isEqualTo("ACTIVE");
            List<JsonNode> bundles = StreamSupport.stream(health.path("bundles").spliterator(), false)
                    .toList();
            assertThat(bundles)
                    .extracting(b -> b.path("symbolicName").asText())
                    .contains(
                            "procos.api",
                            "procos.web",
                            "procos.pdo",
                            "procos.tde",
                            "procos.das",
                            "procos.memory",
                            "procos.llm",
                            "procos.tools.file",
                            "procos.tools.memory",
                            "procos.tools.mcp");
            assertThat(bundles).allSatisfy(b -> assertThat(b.path("state").asText())
                    .as(b.toString())
                    .isEqualTo("ACTIVE"));

            // and the web console refuses no credentials, admin/admin and a wrong password, and accepts the generated
            // one
            assertThat(procos.console(null, null).statusCode()).isEqualTo(401);
            assertThat(procos.console("admin", "admin").statusCode()).isEqualTo(401);
            assertThat(procos.console("procos", "admin").statusCode()).isEqualTo(401);
            assertThat(procos.console("procos", procos.consolePassword()).statusCode())
                    .isEqualTo(200);

            // and `bin/procos status` prints the report readably
            Distribution.Result status = procos.procos("status");
            assertThat(status.exitCode()).as(status.output()).isZero();
            assertThat(status.output())
                    .containsAnyOf("ProcOS is UP", "ProcOS is DEGRADED")
                    .contains("ACTIVE     procos.pdo");

            // when it is stopped
            long pid = procos.pid();
            Distribution.Result stopped = procos.stop();

            // then it stops within the bounded time and leaves no process behind
            assertThat(stopped.exitCode()).as(stopped.output()).isZero();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
            assertThat(ProcessHandle.allProcesses().filter(p -> p.info()
                            .commandLine()
                            .map(c -> c.contains(procos.home.toString()))
                            .orElse(false)))
                    .as("processes started from " + procos.home)
                    .isEmpty();
            assertThat(procos.procos("status").exitCode()).isEqualTo(3);
        }
    }

    @Test
    void laterStartsReuseTheCredentialsAndListenOnLoopbackOnly() throws Exception {
        try (Distribution procos = Distribution.fresh("restart")) {
            // given a first start and stop
            procos.start();
            String token = procos.token();
            String password = procos.consolePassword();
            procos.stop();

            // when it starts again
            procos.start();

            // then the same credentials work
            assertThat(procos.token()).isEqualTo(token);
            assertThat(procos.consolePassword()).isEqualTo(password);
            assertThat(procos.api("/api/health").statusCode()).isEqualTo(200);
            assertThat(procos.console("procos", password).statusCode()).isEqualTo(200);

            // and nothing answers on the machine's other addresses
            for (InetAddress address : externalAddresses()) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(address, procos.port), 1000);
                    throw new AssertionError(
                            "ProcOS answers on " + address + ":" + procos.port + ", not only on loopback");
                } catch (java.io.IOException expected) {
                    // refused: bound to 127.0.0.1 only
                }
            }
        }
    }

    private static List<InetAddress> externalAddresses() throws Exception {
        return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (Exception e) {
                        return false;
                    }
                })
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address)
                .toList();
    }
}
