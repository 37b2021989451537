package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tools as a user adds them: a freshly built tool bundle dropped into tools/ is listed and callable; removed, it is gone. */
class HotDeployToolTest {

    private static List<String> toolNames(Distribution procos) throws Exception {
        return procos.json(procos.api("/api/tools")).path("tools").findValuesAsText("name");
    }

    private static void awaitTools(Distribution procos, boolean present, String name) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            if (toolNames(procos).contains(name) == present) return;
            Thread.sleep(20);
        }
        throw new AssertionError(
                name + (present ? " not listed" : " still listed") + " after 10 s: " + toolNames(procos));
    }

    @Test
    void aToolBundleDroppedIntoToolsIsListedCallableAndGoneWhenRemoved() throws Exception {
        Path template = Path.of(System.getProperty("procos.templateTool"));
        assertThat(template)
                .as("the template tool bundle is built before this test")
                .exists();
        try (Distribution procos = Distribution.fresh("hot-deploy")) {
            // given a running ProcOS with its built-in tools
            procos.start();
            assertThat(toolNames(procos))
                    .contains("file.read", "file.write", "file.list")
                    .doesNotContain("text.wordcount");

            // when the template tool is copied in under a temporary name and then renamed, as the README says
            Path staged = procos.home.resolve("tools/text-wordcount.jar.part");
            Files.copy(template, staged);
            Thread.sleep(1200); // FileInstall polls every 500 ms: a half-copied .part is never picked up
            assertThat(toolNames(procos)).doesNotContain("text.wordcount");
            Files.move(staged, procos.home.resolve("tools/text-wordcount.jar"), StandardCopyOption.ATOMIC_MOVE);

            // then it is listed, with its schema and bundle, and can be invoked by hand
            awaitTools(procos, true, "text.wordcount");
            JsonNode tool = procos.json(procos.api("/api/tools/text.wordcount"));
            assertThat(tool.path("bundle").asText()).isEqualTo("procos.tools.template");
            assertThat(tool.path("inputSchema").path("required").toString()).contains("text");
            HttpResponse<String> counted = procos.post(
                    "/api/tools/text.wordcount/invoke",
                    "application/json",
                    "{\"text\": \"three little words\\nand two\"}");
            assertThat(counted.statusCode()).as(counted.body()).isEqualTo(200);
            JsonNode result = procos.json(counted);
            assertThat(result.path("isError").asBoolean()).isFalse();
            assertThat(result.path("content").path("words").asInt()).isEqualTo(5);
            assertThat(result.path("content").path("lines").asInt()).isEqualTo(2);
            // and a bad input is a tool error, not a crash
            JsonNode bad = procos.json(procos.post("/api/tools/text.wordcount/invoke", "application/json", "{}"));
            assertThat(bad.path("isError").asBoolean()).isTrue();
            assertThat(bad.path("text").asText()).contains("'text' is required");

            // when it is removed
            Files.delete(procos.home.resolve("tools/text-wordcount.jar"));

            // then it is gone, and calling it says so
            awaitTools(procos, false, "text.wordcount");
            assertThat(procos.post("/api/tools/text.wordcount/invoke", "application/json", "{\"text\":\"x\"}")
                            .statusCode())
                    .isEqualTo(404);
            procos.awaitHealthy();
        }
    }

    @Test
    void theFileToolsRoundTripThroughRestAndRefuseEscapes() throws Exception {
        try (Distribution procos = Distribution.fresh("file-tools")) {
            procos.start();
            JsonNode written = procos.json(procos.post(
                    "/api/tools/file.write/invoke",
                    "application/json",
                    "{\"path\": \"reports/nov.txt\", \"content\": \"Sales up 4%\"}"));
            assertThat(written.path("isError").asBoolean())
                    .as(written.toString())
                    .isFalse();
            assertThat(Files.readString(procos.home.resolve("data/workspace/reports/nov.txt")))
                    .isEqualTo("Sales up 4%");
            JsonNode read = procos.json(
                    procos.post("/api/tools/file.read/invoke", "application/json", "{\"path\": \"reports/nov.txt\"}"));
            assertThat(read.path("content").path("content").asText()).isEqualTo("Sales up 4%");
            for (String escape : List.of("../../conf/api-token", "/etc/passwd")) {
                JsonNode refused = procos.json(procos.post(
                        "/api/tools/file.read/invoke", "application/json", "{\"path\": \"" + escape + "\"}"));
                assertThat(refused.path("isError").asBoolean()).as(escape).isTrue();
                assertThat(refused.path("content").toString()).doesNotContain(procos.token());
            }
        }
    }
}
