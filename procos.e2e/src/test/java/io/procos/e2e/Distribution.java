package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A private copy of the assembled distribution, started and stopped through {@code bin/procos} as a
 * user would, on a free port, with its own conf/ (so its credentials are generated on first start).
 */
final class Distribution implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final Path home;
    final int port;
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Environment for bin/procos beside the port (PROCOS_WORKSPACE, say). */
    final java.util.Map<String, String> env = new java.util.HashMap<>();

    private boolean running;

    private Distribution(Path home, int port) {
        this.home = home;
        this.port = port;
    }

    /** Copies bin/, tools/ and the shipped conf/ files (no credentials, no data) of dist/; links lib/ and bundles/. */
    static Distribution fresh(String name) throws IOException {
        Path dist = Path.of(System.getProperty("procos.dist", "../dist"))
                .toAbsolutePath()
                .normalize();
        assertThat(dist.resolve("bin/procos"))
                .as("dist/ is assembled by the build before these tests")
                .exists();
        Path home = Path.of("target/e2e").toAbsolutePath().resolve(name + "-" + System.nanoTime());
        for (String dir : List.of("bin", "tools", "conf")) {
            copyTree(dist.resolve(dir), home.resolve(dir));
        }
        // read-only and large (the embedding model alone is 200 MB): shared, not copied
        for (String dir : List.of("lib", "bundles", "neo4j")) {
            Files.createSymbolicLink(home.resolve(dir), dist.resolve(dir));
        }
        Files.deleteIfExists(home.resolve("conf/api-token"));
        Files.deleteIfExists(home.resolve("conf/console-password"));
        Files.deleteIfExists(home.resolve("conf/neo4j-password"));
        home.resolve("bin/procos").toFile().setExecutable(true);
        return new Distribution(home, freePort());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Runs {@code bin/procos <args>} and returns its exit code and output. */
    Result procos(String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                        Stream.concat(Stream.of(home.resolve("bin/procos").toString()), Stream.of(args))
                                .toList())
                .directory(home.toFile())
                .redirectErrorStream(true);
        pb.environment().put("PROCOS_HTTP_PORT", Integer.toString(port));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS))
                .as("bin/procos " + String.join(" ", args) + " returns")
                .isTrue();
        return new Result(p.exitValue(), out);
    }

    record Result(int exitCode, String output) {}

    Result start() throws Exception {
        Result r = procos("start", "--daemon");
        running = r.exitCode() == 0;
        assertThat(r.exitCode())
                .as("bin/procos start --daemon:\n" + r.output() + "\nlog:\n" + log())
                .isZero();
        return r;
    }

    Result stop() throws Exception {
        Result r = procos("stop");
        running = false;
        return r;
    }

    long pid() throws IOException {
        return Long.parseLong(Files.readString(home.resolve("data/procos.pid")).trim());
    }

    String log() {
        StringBuilder log = new StringBuilder();
        for (String file : List.of("data/log/console.log", "data/log/procos.log")) {
            try {
                log.append("== ").append(file).append('\n').append(Files.readString(home.resolve(file)));
            } catch (IOException e) {
                log.append("(no ").append(file).append(": ").append(e).append(")\n");
            }
        }
        return log.toString();
    }

    String token() throws IOException {
        return Files.readString(home.resolve("conf/api-token")).trim();
    }

    String consolePassword() throws IOException {
        return Files.readString(home.resolve("conf/console-password")).trim();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(30))
                .GET();
        if (authorization != null) b.header("Authorization", authorization);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> api(String path) throws Exception {
        return get(path, "Bearer " + token());
    }

    HttpResponse<String> console(String user, String password) throws Exception {
        String auth = user == null
                ? null
                : "Basic "
                        + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return get("/system/console/bundles", auth);
    }

    HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path))
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + token())
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path))
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + token())
                        .header("Content-Type", contentType)
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    /** Polls GET /api/instances/{id} until the instance is no longer ACTIVE. */
    JsonNode awaitInstanceEnd(String id, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < end) {
            last = json(api("/api/instances/" + id));
            if (!"ACTIVE".equals(last.path("state").asText())) return last;
            Thread.sleep(200);
        }
        throw new AssertionError("instance " + id + " still active after " + timeout + ":\n" + last);
    }

    /** Checks whose engines live outside ProcOS: without them ProcOS is DEGRADED, not broken. */
    static final java.util.Set<String> EXTERNAL_CHECKS = java.util.Set.of("docker", "matlab", "memory");

    /**
     * Healthy as far as ProcOS itself goes: nothing down, no broken bundle or component, every check UP
     * except those of external engines (Docker, MATLAB/Octave), which the machine may lack.
     */
    static void assertHealthy(JsonNode health) {
        org.assertj.core.api.Assertions.assertThat(health.path("status").asText())
                .as(health.toString())
                .isIn("UP", "DEGRADED");
        org.assertj.core.api.Assertions.assertThat(health.path("problems"))
                .as(health.toString())
                .isEmpty();
        org.assertj.core.api.Assertions.assertThat(health.path("unsatisfiedComponents"))
                .as(health.toString())
                .isEmpty();
        health.path("checks").forEach(c -> {
            // an MCP server (mcp.<name>) is an external engine too
            if (!EXTERNAL_CHECKS.contains(c.path("name").asText())
                    && !c.path("name").asText().startsWith("mcp.")) {
                org.assertj.core.api.Assertions.assertThat(c.path("status").asText())
                        .as(c.toString())
                        .isEqualTo("UP");
            }
        });
    }

    /** Waits (up to 60 s: the engine and the embedding model load in the background) until {@link #assertHealthy} holds. */
    JsonNode awaitHealthy() throws Exception {
        JsonNode health = awaitHealth(
                h -> {
                    try {
                        assertHealthy(h);
                        return true;
                    } catch (AssertionError notYet) {
                        return false;
                    }
                },
                Duration.ofSeconds(60));
        assertHealthy(health);
        return health;
    }

    JsonNode health() throws Exception {
        return JSON.readTree(api("/api/health").body());
    }

    /** Polls the health report until it satisfies the condition; fails with the last report after the timeout. */
    JsonNode awaitHealth(Predicate<JsonNode> condition, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < end) {
            last = health();
            if (condition.test(last)) return last;
            Thread.sleep(100);
        }
        throw new AssertionError(
                "health did not reach the expected state within " + timeout + "; last report:\n" + last);
    }

    /**
     * Stops ProcOS and removes its bundle cache (the unpacked bundles, 200 MB a home, rebuilt at every start); the
     * logs and data stay for whoever looks into a failure.
     */
    @Override
    public void close() throws Exception {
        if (running) stop();
        Path cache = home.resolve("data/felix-cache");
        if (Files.isDirectory(cache)) {
            try (Stream<Path> paths = Files.walk(cache)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }
}
