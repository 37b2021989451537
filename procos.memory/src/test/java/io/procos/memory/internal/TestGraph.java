package io.procos.memory.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One embedded Neo4j for the tests, started exactly as ProcOS starts it (its own JVM, Bolt on a free
 * loopback port, a generated password), stopped when the test JVM ends.
 */
final class TestGraph {

    private static GraphServerProcess server;
    static Path home;

    private TestGraph() {}

    static synchronized GraphServerProcess server() throws Exception {
        if (server == null) {
            String classpath = System.getProperty("procos.graphServerClasspath");
            if (classpath == null)
                throw new IllegalStateException("procos.graphServerClasspath is not set (the pom sets it)");
            home = Files.createTempDirectory("procos-memory-test");
            server = new GraphServerProcess(
                    classpath,
                    home.resolve("data/neo4j"),
                    home.resolve("conf/neo4j-password"),
                    home.resolve("data/log/neo4j.log"),
                    0,
                    "512m");
            GraphServerProcess started = server;
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> { // quicker than a clean close: the test store is thrown away
                                Process p = started.process();
                                if (p != null) p.destroyForcibly();
                            }));
            if (!server.awaitReady(Duration.ofSeconds(180))) {
                throw new IllegalStateException("the graph server did not start: " + server.lastFailure() + "; log: "
                        + (Files.exists(home.resolve("data/log/neo4j.log"))
                                ? Files.readString(home.resolve("data/log/neo4j.log"))
                                : "none"));
            }
        }
        return server;
    }

    static Neo4jGraph graph() throws Exception {
        GraphServerProcess s = server();
        return new Neo4jGraph(s.uri(), "neo4j", s.password());
    }
}
