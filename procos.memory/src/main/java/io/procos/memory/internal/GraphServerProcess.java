package io.procos.memory.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the embedded Neo4j ({@code io.procos.neo4j.GraphServer}) in its own JVM and keeps it running:
 * Bolt on 127.0.0.1 (the configured port, or a free one), authentication on with a password generated
 * on first start into {@code conf/neo4j-password} (mode 600), data under {@code data/neo4j}. It waits
 * until the server says it answers, restarts it when it dies (1 s, 2 s, … up to 30 s apart), and stops
 * it by closing its standard input, which the server also sees when this JVM dies.
 */
final class GraphServerProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GraphServerProcess.class);
    static final String READY = "PROCOS-GRAPH-READY";

    private final String classpath;
    private final Path dataDir;
    private final Path logFile;
    private final String password;
    private final int port;
    private final String maxHeap;
    private final Thread supervisor;
    private final java.util.function.BooleanSupplier when;
    private volatile Process process;
    private volatile boolean closing;
    private volatile CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile int restarts;
    private volatile String lastFailure;

    GraphServerProcess(String classpath, Path dataDir, Path passwordFile, Path logFile, int port, String maxHeap)
            throws IOException {
        this(classpath, dataDir, passwordFile, logFile, port, maxHeap, () -> true);
    }

    /** Starts the server once {@code when} holds (checked every 200 ms, for at most a minute): ProcOS's own start goes first. */
    GraphServerProcess(
            String classpath,
            Path dataDir,
            Path passwordFile,
            Path logFile,
            int port,
            String maxHeap,
            java.util.function.BooleanSupplier when)
            throws IOException {
        this.when = when;
        this.classpath = classpath;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.password = password(passwordFile);
        this.port = port > 0 ? port : freePort();
        this.maxHeap = maxHeap;
        this.supervisor = new Thread(this::supervise, "procos-graph-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    String uri() {
        return "bolt://127.0.0.1:" + port;
    }

    String password() {
        return password;
    }

    int restarts() {
        return restarts;
    }

    String lastFailure() {
        return lastFailure;
    }

    /** The server's process, for tests that kill it. */
    Process process() {
        return process;
    }

    /** Waits until the server (or its replacement after a crash) answers. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        try {
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    private void supervise() {
        for (int i = 0; i < 300 && !closing && !when.getAsBoolean(); i++) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
        long backoff = 1000;
        while (!closing) {
            long started = System.nanoTime();
            try {
                Process p = launch();
                process = p;
                try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        if (line.startsWith(READY)) {
                            LOG.info("Graph server ready at {} (pid {})", uri(), p.pid());
                            ready.complete(null);
                        }
                    }
                }
                int exit = p.waitFor();
                if (closing) return;
                lastFailure = "the graph server exited with code " + exit + "; see " + logFile;
                LOG.warn("{}; restarting", lastFailure);
            } catch (IOException e) {
                lastFailure = "the graph server could not be started: " + e.getMessage();
                LOG.error(lastFailure);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            ready = new CompletableFuture<>();
            restarts++;
            if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(5)) backoff = 1000; // it had been running fine
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(backoff * 2, 30_000);
        }
    }

    private Process launch() throws IOException {
        Files.createDirectories(dataDir);
        Files.createDirectories(logFile.getParent());
        List<String> command = new ArrayList<>();
        // memory is background work: at a lower CPU priority the engine and the embedding model start first
        if (Files.isExecutable(Path.of("/usr/bin/nice"))) command.addAll(List.of("/usr/bin/nice", "-n", "10"));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + maxHeap);
        // a small server beside ProcOS on a small machine: a heap that starts small (the JVM's default start is
        // 1/64 of the machine's memory) and is given back after a collection leaves much of it free
        command.add("-Xms32m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:MinHeapFreeRatio=10");
        command.add("-XX:MaxHeapFreeRatio=30");
        command.add("-Djava.io.tmpdir=" + dataDir.resolve("tmp"));
        command.add("-cp");
        command.add(classpath);
        command.add("io.procos.neo4j.GraphServer");
        command.add(dataDir.toString());
        command.add(Integer.toString(port));
        Files.createDirectories(dataDir.resolve("tmp"));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().put("PROCOS_NEO4J_PASSWORD", password);
        Process p = builder.start();
        LOG.info("Starting the graph server (pid {}), Bolt on {}", p.pid(), uri());
        return p;
    }

    @Override
    public void close() {
        closing = true;
        Process p = process;
        if (p == null) return;
        try {
            OutputStream in = p.getOutputStream();
            in.close(); // the server shuts the database down cleanly when its input ends
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                LOG.warn("The graph server did not stop within 60 s; killing it");
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            p.destroyForcibly();
        }
        supervisor.interrupt();
    }

    /** The password in {@code file}, generated (32 random bytes, mode 600) when there is none. */
    static String password(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            String stored = Files.readString(file).strip();
            if (stored.length() >= 8) return stored;
        }
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Files.createDirectories(file.getParent());
        Path part = file.resolveSibling(file.getFileName() + ".part");
        Files.deleteIfExists(part);
        try {
            Files.createFile(part, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(part);
        }
        Files.writeString(part, generated + "\n", StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(
                part,
                file,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return generated;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
