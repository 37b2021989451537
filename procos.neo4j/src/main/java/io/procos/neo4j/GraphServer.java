package io.procos.neo4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;

/**
 * Neo4j Community embedded in this JVM, reachable only over Bolt on 127.0.0.1 with authentication on.
 * Started by ProcOS memory as a child process: {@code java -cp neo4j/lib/* io.procos.neo4j.GraphServer
 * <data folder> <port>}, the password of the user {@code neo4j} in the environment variable
 * {@code PROCOS_NEO4J_PASSWORD} (never on the command line). Prints {@value #READY} when Bolt answers,
 * and shuts the database down cleanly when its standard input closes, which is also what happens when
 * the ProcOS process dies: no orphan keeps the store locked.
 */
public final class GraphServer {

    public static final String READY = "PROCOS-GRAPH-READY";

    private GraphServer() {}

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: GraphServer <data folder> <bolt port>");
            System.exit(2);
        }
        String password = System.getenv("PROCOS_NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("PROCOS_NEO4J_PASSWORD must hold the password (at least 8 characters)");
            System.exit(2);
        }
        // from the first moment: when ProcOS closes our input, or dies, this server goes too
        Thread watcher = new Thread(
                () -> {
                    try {
                        while (System.in.read() != -1) {
                            // ProcOS never writes
                        }
                    } catch (IOException e) {
                        // the pipe broke: the same as its end
                    }
                    System.exit(0); // the shutdown hook stops the database
                },
                "graph-parent-watch");
        watcher.start();
        try {
            Path home = Path.of(args[0]).toAbsolutePath();
            int port = Integer.parseInt(args[1]);
            Files.createDirectories(home);
            Files.writeString(
                    home.resolve("server.pid"),
                    Long.toString(ProcessHandle.current().pid()));
            DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(GraphDatabaseSettings.auth_enabled, true)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(256))
                    .setConfig(GraphDatabaseSettings.logs_directory, home.resolve("logs"))
                    .build();
            Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown, "graph-shutdown"));
            // the password ProcOS generated, set at every start: the stored one never drifts from conf/
            try {
                dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME)
                        .executeTransactionally(
                                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                                Map.of("password", password));
            } catch (QueryExecutionException e) {
                if (!e.getMessage().contains("cannot be the same")) throw e; // already this password
            }
            System.out.println(READY + " bolt://127.0.0.1:" + port);
            System.out.flush();
        } catch (Throwable t) {
            System.err.println("The graph server could not start:");
            t.printStackTrace();
            System.exit(1);
        }
    }
}
