package io.procos.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.procos.api.llm.TextEmbedder;
import io.procos.api.memory.Graph;
import io.procos.api.memory.Hit;
import io.procos.api.memory.MemoryItem;
import io.procos.api.memory.Recall;
import io.procos.api.testing.Embedders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Memory on a real embedded Neo4j (started as ProcOS starts it) with the real embedding model. */
class MemoryServiceTest {

    static TextEmbedder embedder;

    @BeforeAll
    static void start() throws Exception {
        embedder = Embedders.offline();
        TestGraph.server();
    }

    static MemoryService memory(Path walDir, Neo4jGraph graph) throws Exception {
        return new MemoryService(
                new WriteAheadLog(walDir),
                () -> embedder,
                graph,
                graph,
                new MemoryService.Settings(1000, 32L << 20, 100_000, 256L << 20, null));
    }

    /** Notes as people write them, and other words for each: recall must put the right note first. */
    static final Map<String, String> LABELLED = new LinkedHashMap<>();

    static {
        LABELLED.put(
                "The supplier Kessler GmbH raised steel prices by 8 percent from March.",
                "Which vendor made metal more expensive?");
        LABELLED.put(
                "Customer ACME wants invoices in PDF sent to billing@acme.example.",
                "How does ACME want to receive its bills?");
        LABELLED.put(
                "The night shift must log the boiler temperature every two hours.",
                "How often is the heating checked at night?");
        LABELLED.put("Container MSKU 443 is stuck in customs in Rotterdam.", "Where is the delayed shipping box held?");
        LABELLED.put(
                "Brent crude hedges for Q3 were closed at 82 dollars a barrel.",
                "At what price did we close the oil positions?");
        LABELLED.put(
                "The forklift in hall 4 needs new brakes before Friday.",
                "What equipment in hall 4 must be fixed this week?");
        LABELLED.put("Ms. Novak approves purchase orders above 10,000 euros.", "Who signs off large purchases?");
        LABELLED.put(
                "The wind tunnel test of the wing model is booked for 12 June.",
                "When is the aerodynamic experiment scheduled?");
        LABELLED.put(
                "Password resets are handled by the IT desk on extension 4455.",
                "Whom do I call when I forget my login?");
        LABELLED.put(
                "Quarterly safety training is mandatory for all warehouse staff.",
                "Do storage workers have to attend courses?");
    }

    @Test
    void recallByMeaningPutsTheRightNoteFirst() throws Exception {
        Neo4jGraph graph = TestGraph.graph();
        String run = UUID.randomUUID().toString();
        try (MemoryService memory = memory(Files.createTempDirectory("wal"), graph)) {
            List<MemoryItem> notes = new ArrayList<>();
            for (String text : LABELLED.keySet())
                notes.add(new MemoryItem(null, "note", text, Map.of("processKey", run), List.of(), null));
            memory.rememberAll(notes);
            assertThat(memory.awaitWritten(Duration.ofSeconds(60))).isTrue();
            int right = 0;
            for (Map.Entry<String, String> e : LABELLED.entrySet()) {
                List<Hit> hits = memory.recall(e.getValue(), new Recall(3, "note", run, null));
                if (!hits.isEmpty() && hits.get(0).item().text().equals(e.getKey())) right++;
                else
                    System.out.println("recall missed: " + e.getValue() + " -> "
                            + (hits.isEmpty() ? "nothing" : hits.get(0).item().text()));
            }
            System.out.printf("recall by meaning: %d of %d first%n", right, LABELLED.size());
            assertThat(right).isEqualTo(LABELLED.size());
        }
    }

    @Test
    void theGraphOfARunHasItsProcessTasksDecisionsToolsAndErrors() throws Exception {
        Neo4jGraph graph = TestGraph.graph();
        String instance = UUID.randomUUID().toString();
        try (MemoryService memory = memory(Files.createTempDirectory("wal"), graph)) {
            for (int i = 0; i < 3; i++) {
                io.procos.api.tde.TaskRun run = new io.procos.api.tde.TaskRun(
                        instance + "-task" + i,
                        instance,
                        "monthly-report",
                        "task" + i,
                        List.of("Write the summary", "Read the summary", "Send the summary")
                                .get(i),
                        "",
                        Map.of(),
                        List.of("file.write", "file.read", "mail.send").get(i),
                        Map.of(),
                        "deterministic",
                        0.8,
                        "fits",
                        "test",
                        null,
                        null,
                        i == 2 ? "FAILED" : "COMPLETED",
                        i == 2 ? "mail.send: no mail server configured" : null,
                        null,
                        1,
                        1,
                        1,
                        null,
                        null,
                        null,
                        null);
                memory.rememberAll(DecisionMemory.items(run));
            }
            assertThat(memory.awaitWritten(Duration.ofSeconds(60))).isTrue();
            Graph g = memory.instanceGraph(instance);
            assertThat(g.nodes())
                    .extracting(Graph.Node::id)
                    .contains(
                            "Instance:" + instance,
                            "Process:monthly-report",
                            "Tool:file.write",
                            "Tool:file.read",
                            "Tool:mail.send",
                            "Task:" + instance + "-task0");
            assertThat(g.nodes().stream().filter(n -> n.labels().contains("Decision")))
                    .hasSize(3);
            assertThat(g.nodes().stream().filter(n -> n.labels().contains("Error")))
                    .singleElement()
                    .satisfies(n ->
                            assertThat(n.properties().get("text")).isEqualTo("mail.send: no mail server configured"));
            assertThat(g.edges())
                    .extracting(Graph.Edge::type)
                    .containsOnly("INSTANCE_OF", "RAN", "DECIDED", "USED", "FAILED_WITH", "RAISED_BY")
                    .filteredOn("RAN"::equals)
                    .hasSize(3);
            assertThat(memory.errorsAfter("mail.send", 5))
                    .extracting(e -> e.message())
                    .contains("mail.send: no mail server configured");
            assertThat(memory.toolsForTasksLike("Write the report summary", 5)
                            .get(0)
                            .tool())
                    .isEqualTo("file.write");
        }
    }

    @Test
    void nothingAcceptedIsLostWhenTheGraphServerIsKilledOrProcOSRestarts() throws Exception {
        GraphServerProcess server = TestGraph.server();
        Neo4jGraph graph = TestGraph.graph();
        String run = UUID.randomUUID().toString();
        Path wal = Files.createTempDirectory("wal");
        // the stores are unreachable: writes are accepted all the same, and kept
        Neo4jGraph nowhere =
                new Neo4jGraph("bolt://127.0.0.1:" + GraphServerProcess.freePort(), "neo4j", "wrong-password");
        try (MemoryService offline = memory(wal, nowhere)) {
            for (int i = 0; i < 50; i++)
                offline.remember(
                        new MemoryItem(null, "note", "offline note " + i, Map.of("processKey", run), List.of(), null));
            Thread.sleep(500);
            assertThat(offline.backlog()).isEqualTo(50);
            assertThat(offline.problem()).isNotNull();
        }
        // "ProcOS restarts" with the stores back: the log is written
        try (MemoryService memory = memory(wal, graph)) {
            assertThat(memory.awaitWritten(Duration.ofSeconds(60))).isTrue();
            // and the graph server dies while writes keep coming
            for (int i = 0; i < 300; i++) {
                memory.remember(new MemoryItem(
                        null,
                        "note",
                        "note " + i + " about shipment " + (i * 7919 % 1000),
                        Map.of("processKey", run),
                        List.of(),
                        null));
                if (i == 100) server.process().destroyForcibly();
                Thread.sleep(5);
            }
            assertThat(memory.awaitWritten(Duration.ofSeconds(180)))
                    .as("backlog written after the restart: " + memory.problem())
                    .isTrue();
            assertThat(server.restarts()).isGreaterThanOrEqualTo(1);
            long stored = count(graph, run);
            assertThat(stored).isEqualTo(350);
        }
    }

    static long count(Neo4jGraph graph, String run) throws Exception {
        try (var driver = org.neo4j.driver.GraphDatabase.driver(
                        TestGraph.server().uri(),
                        org.neo4j.driver.AuthTokens.basic(
                                "neo4j", TestGraph.server().password()));
                var s = driver.session()) {
            return s.run("MATCH (m:Memory {processKey: $run}) RETURN count(m) AS n", Map.of("run", run))
                    .single()
                    .get("n")
                    .asLong();
        }
    }
}
