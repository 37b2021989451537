package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Weaviate adapter is an optional bundle: not installed until its configuration file exists, installed and
 * chosen when it does, gone again when the file is, and what memory accepted meanwhile is kept.
 */
class WeaviateStoreTest {

    static final String BUNDLE = "procos.memory.weaviate";

    static List<String> bundles(Distribution procos) throws Exception {
        List<String> names = new ArrayList<>();
        for (JsonNode b : procos.json(procos.api("/api/health")).path("bundles"))
            names.add(b.path("symbolicName").asText() + " " + b.path("state").asText());
        return names;
    }

    static JsonNode memoryCheck(Distribution procos) throws Exception {
        for (JsonNode c : procos.json(procos.api("/api/health")).path("checks"))
            if (c.path("name").asText().equals("memory")) return c;
        throw new AssertionError("no memory check");
    }

    static void vectorStore(Distribution procos, String store) throws Exception {
        Path file = procos.home.resolve("conf/io.procos.memory.cfg");
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) if (!line.startsWith("vectorStore=")) lines.add(line);
        lines.add("vectorStore=" + store);
        Files.write(file, lines);
    }

    @Test
    void installedOnlyWhileConfiguredAndNothingAcceptedMeanwhileIsLost() throws Exception {
        try (Distribution procos = Distribution.fresh("weaviate")) {
            procos.start();
            procos.awaitHealthy();
            assertThat(bundles(procos)).noneMatch(b -> b.startsWith(BUNDLE));
            MemoryTest.awaitMemory(procos, "UP", Duration.ofSeconds(120));
            assertThat(memoryCheck(procos).path("detail").asText()).contains("vectors in neo4j");
            procos.stop();

            // configured, on a server that is not there: installed, chosen, and memory says why it waits
            int closed;
            try (ServerSocket s = new ServerSocket(0)) {
                closed = s.getLocalPort();
            }
            Path cfg = procos.home.resolve("conf/io.procos.memory.weaviate.cfg");
            Files.writeString(
                    cfg, "# the Weaviate server\nurl=http://127.0.0.1:" + closed + "\ncollection=ProcosMemory\n");
            vectorStore(procos, "weaviate");
            procos.start();
            procos.awaitHealthy();
            assertThat(bundles(procos)).contains(BUNDLE + " ACTIVE");
            JsonNode waiting = procos.awaitHealth(
                    h -> {
                        for (JsonNode c : h.path("checks"))
                            if (c.path("name").asText().equals("memory"))
                                return c.path("detail").asText().contains("weaviate");
                        return false;
                    },
                    Duration.ofSeconds(120));
            String detail = "";
            for (JsonNode c : waiting.path("checks"))
                if (c.path("name").asText().equals("memory"))
                    detail = c.path("detail").asText();
            assertThat(detail).as("memory names the store it waits for").contains("127.0.0.1:" + closed);
            String note = "the loading dock in Antwerp opens at seven on weekdays";
            HttpResponse<String> saved = procos.post(
                    "/api/memory", "application/json", Distribution.JSON.writeValueAsString(Map.of("text", note)));
            assertThat(saved.statusCode()).as(saved.body()).isEqualTo(201);
            procos.stop();

            // the file gone: uninstalled; the note accepted while Weaviate was away is in the Neo4j index
            Files.delete(cfg);
            vectorStore(procos, "neo4j");
            procos.start();
            procos.awaitHealthy();
            assertThat(bundles(procos)).noneMatch(b -> b.startsWith(BUNDLE));
            MemoryTest.awaitMemory(procos, "UP", Duration.ofSeconds(120));
            JsonNode hits = null;
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < end) {
                hits = procos.json(
                        procos.api("/api/memory/search?k=3&q=" + MemoryTest.q("when does the Antwerp dock open")));
                if (hits.path("hits").toString().contains("Antwerp")) break;
                Thread.sleep(500);
            }
            assertThat(hits.path("hits").toString())
                    .as("recalled after the switch back")
                    .contains("Antwerp");
        }
    }

    @Test
    void memoryInARealWeaviate() throws Exception {
        String url = System.getenv("PROCOS_WEAVIATE_URL");
        assumeTrue(
                url != null && !url.isBlank(),
                "skipped: no Weaviate server here; set PROCOS_WEAVIATE_URL (and PROCOS_WEAVIATE_API_KEY) to run memory"
                        + " through one");
        try (Distribution procos = Distribution.fresh("weaviate-real")) {
            String key = System.getenv("PROCOS_WEAVIATE_API_KEY");
            Files.writeString(
                    procos.home.resolve("conf/io.procos.memory.weaviate.cfg"),
                    "url=" + url + "\n" + (key == null ? "" : "apiKey=" + key + "\n") + "collection=ProcosE2e\n");
            vectorStore(procos, "weaviate");
            procos.start();
            procos.awaitHealthy();
            MemoryTest.awaitMemory(procos, "UP", Duration.ofSeconds(120));
            assertThat(memoryCheck(procos).path("detail").asText()).contains("weaviate");
            String note = "the Rotterdam warehouse closes at six on Fridays";
            assertThat(procos.post(
                                    "/api/memory",
                                    "application/json",
                                    Distribution.JSON.writeValueAsString(Map.of("text", note)))
                            .statusCode())
                    .isEqualTo(201);
            JsonNode hits = null;
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < end) {
                hits = procos.json(
                        procos.api("/api/memory/search?k=3&q=" + MemoryTest.q("when does the warehouse close")));
                if (hits.path("hits").toString().contains("Rotterdam")) break;
                Thread.sleep(500);
            }
            assertThat(hits.path("hits").toString()).contains("Rotterdam");
        }
    }
}
