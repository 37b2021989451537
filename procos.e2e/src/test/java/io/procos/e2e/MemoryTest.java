package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Memory in the running distribution: the embedded Neo4j it starts, saving and recalling, samples, the graph of a run, a killed graph server. */
class MemoryTest {

    static JsonNode awaitMemory(Distribution procos, String state, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        JsonNode memory = null;
        while (System.nanoTime() < end) {
            for (JsonNode check : procos.json(procos.api("/api/health")).path("checks")) {
                if (check.path("name").asText().equals("memory")) memory = check;
            }
            if (memory != null && memory.path("status").asText().equals(state)) return memory;
            Thread.sleep(250);
        }
        throw new AssertionError("memory not " + state + " within " + timeout + ": " + memory);
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void savedTextIsFoundByOtherWordsTheRunIsAGraphAndAKilledGraphServerLosesNothing() throws Exception {
        try (Distribution procos = Distribution.fresh("memory")) {
            procos.start();
            procos.awaitHealthy();
            // the embedded Neo4j is started by ProcOS itself, with a generated password only its owner can read
            awaitMemory(procos, "UP", Duration.ofSeconds(180));
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(procos.home.resolve("conf/neo4j-password"))))
                    .isEqualTo("rw-------");

            HttpResponse<String> saved = procos.post(
                    "/api/memory",
                    "application/json",
                    "{\"text\": \"The supplier Kessler GmbH raised steel prices by 8 percent from March.\", \"kind\": \"note\"}");
            assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);
            JsonNode hits =
                    procos.json(procos.api("/api/memory/search?k=3&q=" + q("Which vendor made metal more expensive?")));
            assertThat(hits.path("hits").path(0).path("text").asText())
                    .isEqualTo("The supplier Kessler GmbH raised steel prices by 8 percent from March.");
            assertThat(hits.path("hits").path(0).path("kind").asText()).isEqualTo("note");
            assertThat(hits.path("hits").path(0).path("score").asDouble()).isPositive();

            // the sample processes are there from the first start
            JsonNode samples = procos.json(
                    procos.api("/api/memory/search?kind=process&k=3&q=" + q("a report of what we sold each month")));
            assertThat(samples.path("hits")
                            .path(0)
                            .path("properties")
                            .path("processKey")
                            .asText())
                    .isEqualTo("monthly-sales-report");

            // bad requests say what was wrong
            assertThat(procos.post("/api/memory", "application/json", "{}").statusCode())
                    .isEqualTo(400);
            assertThat(procos.post("/api/memory", "application/json", "{\"text\": \"x\", \"kind\": \"Not A Kind\"}")
                            .statusCode())
                    .isEqualTo(400);
            assertThat(procos.api("/api/memory/search").statusCode()).isEqualTo(400);
            assertThat(procos.api("/api/memory/search?q=x&k=abc").statusCode()).isEqualTo(400);
            assertThat(procos.api("/api/memory/search?q=x&k=5000").statusCode()).isEqualTo(400);

            // a run while the graph server is killed: the run completes, and its memory lands once the server is back
            procos.post(
                    "/api/processes",
                    "application/xml",
                    ProcessRestTest.process(
                            "memo",
                            null,
                            "Write the memo|Put \"Stock count on Friday\" into memos/friday.txt",
                            "Read the memo|Read memos/friday.txt"));
            long graphPid = Long.parseLong(Files.readString(procos.home.resolve("data/neo4j/server.pid"))
                    .strip());
            ProcessHandle.of(graphPid).ifPresent(ProcessHandle::destroyForcibly);
            String id = procos.json(procos.post("/api/processes/memo/start", "application/json", "{}"))
                    .path("id")
                    .asText();
            JsonNode run = procos.awaitInstanceEnd(id, Duration.ofSeconds(90));
            assertThat(run.path("state").asText()).as(run.toString()).isEqualTo("COMPLETED");
            JsonNode back = awaitMemory(procos, "UP", Duration.ofSeconds(180));
            assertThat(back.path("detail").asText()).contains("restarted 1 times");

            JsonNode graph = null;
            for (long end = System.nanoTime() + 60_000_000_000L; System.nanoTime() < end; Thread.sleep(250)) {
                HttpResponse<String> r = procos.api("/api/memory/graph?instance=" + id);
                if (r.statusCode() == 200 && procos.json(r).path("edges").size() >= 7) {
                    graph = procos.json(r);
                    break;
                }
            }
            assertThat(graph).as("the graph of the run").isNotNull();
            List<String> nodes = new ArrayList<>();
            graph.path("nodes").forEach(n -> nodes.add(n.path("id").asText()));
            assertThat(nodes).contains("Instance:" + id, "Process:memo", "Tool:file.write", "Tool:file.read");
            List<String> edges = new ArrayList<>();
            graph.path("edges").forEach(e -> edges.add(e.path("type").asText()));
            assertThat(edges).containsOnly("INSTANCE_OF", "RAN", "DECIDED", "USED");
            assertThat(edges.stream().filter("RAN"::equals)).hasSize(2);
            assertThat(edges.stream().filter("DECIDED"::equals)).hasSize(2);
            assertThat(procos.api("/api/memory/graph?instance=nope").statusCode())
                    .isEqualTo(404);
        }
    }
}
