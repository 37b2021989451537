package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A person corrects a task the offline planner decides wrongly ({@code POST /api/tde/corrections}); a similar task
 * in other words is then decided the corrected way, with the value read from its own words, through the decide
 * endpoint and in a running process alike.
 */
class CorrectionTest {

    /** Ways to ask for a folder's listing that do not say "list"; %s is the folder. */
    static final List<String> CANDIDATES = List.of(
            "Show me what is stored in the folder %s",
            "Give me an inventory of the folder %s", "What's kept in the %s folder?");

    static JsonNode decide(Distribution procos, String name) throws Exception {
        HttpResponse<String> r = procos.post(
                "/api/tde/decide",
                "application/json",
                Distribution.JSON.writeValueAsString(Map.of("task", Map.of("name", name, "documentation", ""))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return procos.json(r);
    }

    static boolean listsDir(JsonNode d, String folder) {
        return "file.list".equals(d.path("tool").asText())
                && folder.equals(d.path("arguments").path("path").asText());
    }

    @Test
    void aCorrectedTaskDecidesSimilarTasksTheCorrectedWayWithTheirOwnValues() throws Exception {
        try (Distribution procos = Distribution.fresh("correction")) {
            procos.start();
            procos.awaitHealthy();

            // given a task the offline planner gets wrong (another tool, no tool, or file.list of another folder)
            String wrong = null;
            for (String c : CANDIDATES) {
                JsonNode d = decide(procos, c.formatted("dir"));
                System.out.printf(
                        "before the correction: \"%s\" -> tool %s, arguments %s, rationale: %s%n",
                        c.formatted("dir"),
                        d.path("tool"),
                        d.path("arguments"),
                        d.path("rationale").asText());
                if (wrong == null && !listsDir(d, "dir")) wrong = c;
            }
            // When the planner decides every candidate right there is nothing to correct in the tool or path: then
            // the correction changes the arguments instead (recursive), and the similar task must take that over.
            boolean changesOnlyArguments = wrong == null;
            String template = changesOnlyArguments ? CANDIDATES.get(0) : wrong;
            Map<String, Object> corrected = new LinkedHashMap<>();
            corrected.put("path", "dir");
            if (changesOnlyArguments) corrected.put("recursive", true);
            System.out.println("correcting \"" + template.formatted("dir") + "\" to file.list " + corrected
                    + (changesOnlyArguments ? " (every candidate was right: the correction adds recursive)" : ""));

            // when a person says how it should have been done
            HttpResponse<String> recorded = procos.post(
                    "/api/tde/corrections",
                    "application/json",
                    Distribution.JSON.writeValueAsString(Map.of(
                            "task",
                            Map.of("name", template.formatted("dir"), "documentation", ""),
                            "tool",
                            "file.list",
                            "arguments",
                            corrected)));
            System.out.println("recorded: " + recorded.statusCode() + " " + recorded.body());
            assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(201);
            JsonNode answer = procos.json(recorded);
            assertThat(answer.path("recorded").asBoolean()).isTrue();
            assertThat(answer.path("task").asText()).isEqualTo(template.formatted("dir"));
            assertThat(answer.path("tool").asText()).isEqualTo("file.list");
            assertThat(answer.path("arguments").path("path").asText()).isEqualTo("dir");

            // then the same request in other words for the folder is decided the corrected way, with its own folder
            String similar = template.formatted("reports");
            JsonNode after = decide(procos, similar);
            for (long end = System.nanoTime() + 10_000_000_000L;
                    !after.path("rationale").asText().contains("corrected") && System.nanoTime() < end; ) {
                Thread.sleep(200); // memory takes the correction at once; allow for a slow embedding
                after = decide(procos, similar);
            }
            System.out.printf(
                    "after the correction: \"%s\" -> tool %s, arguments %s, rationale: %s%n",
                    similar,
                    after.path("tool"),
                    after.path("arguments"),
                    after.path("rationale").asText());
            System.out.println("memory recalls for it: "
                    + procos.api("/api/memory/search?k=3&kind=correction&q="
                                    + java.net.URLEncoder.encode(similar, java.nio.charset.StandardCharsets.UTF_8))
                            .body());
            assertThat(after.path("tool").asText()).as(after.toString()).isEqualTo("file.list");
            assertThat(after.path("arguments").path("path").asText())
                    .as(after.toString())
                    .isEqualTo("reports");
            if (changesOnlyArguments)
                assertThat(after.path("arguments").path("recursive").asBoolean())
                        .as(after.toString())
                        .isTrue();
            assertThat(after.path("rationale").asText()).as(after.toString()).contains("corrected");

            // and a process with that task runs it with file.list on its folder
            JsonNode written = procos.json(procos.post(
                    "/api/tools/file.write/invoke",
                    "application/json",
                    "{\"path\": \"reports/q3.txt\", \"content\": \"Q3 figures\"}"));
            assertThat(written.path("isError").asBoolean())
                    .as(written.toString())
                    .isFalse();
            HttpResponse<String> deployed = procos.post(
                    "/api/processes",
                    "application/xml",
                    ProcessRestTest.process("inventory", null, similar.replace("'", "&apos;") + "|"));
            assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
            String id = procos.json(procos.post("/api/processes/inventory/start", "application/json", "{}"))
                    .path("id")
                    .asText();
            JsonNode done = procos.awaitInstanceEnd(id, Duration.ofSeconds(60));
            JsonNode task = done.path("tasks").path(0);
            System.out.println("the running task: " + task);
            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("COMPLETED");
            assertThat(task.path("status").asText()).isEqualTo("COMPLETED");
            assertThat(task.path("tool").asText()).isEqualTo("file.list");
            assertThat(task.path("arguments").path("path").asText()).isEqualTo("reports");
            assertThat(task.path("rationale").asText()).contains("corrected");
            assertThat(done.path("variables").path("task0_result").asText()).contains("q3.txt");

            // a task of an instance can be corrected by its ids: its words are that task's
            HttpResponse<String> byInstance = procos.post(
                    "/api/tde/corrections",
                    "application/json",
                    Distribution.JSON.writeValueAsString(Map.of(
                            "instanceId",
                            id,
                            "activityId",
                            "task0",
                            "tool",
                            "file.list",
                            "arguments",
                            Map.of("path", "reports"))));
            assertThat(byInstance.statusCode()).as(byInstance.body()).isEqualTo(201);
            assertThat(procos.json(byInstance).path("task").asText()).isEqualTo(similar);

            // what cannot be a correction is refused, saying why
            HttpResponse<String> unknownTool = procos.post(
                    "/api/tde/corrections",
                    "application/json",
                    "{\"task\": {\"name\": \"List dir\"}, \"tool\": \"file.lsit\", \"arguments\": {}}");
            assertThat(unknownTool.statusCode()).isEqualTo(400);
            assertThat(procos.json(unknownTool).path("error").asText()).contains("file.lsit");
            HttpResponse<String> notAnObject = procos.post(
                    "/api/tde/corrections",
                    "application/json",
                    "{\"task\": {\"name\": \"List dir\"}, \"tool\": \"file.list\", \"arguments\": [\"dir\"]}");
            assertThat(notAnObject.statusCode()).isEqualTo(400);
            assertThat(procos.json(notAnObject).path("error").asText()).contains("arguments");
            HttpResponse<String> noName = procos.post(
                    "/api/tde/corrections",
                    "application/json",
                    "{\"task\": {\"name\": \" \"}, \"tool\": \"file.list\", \"arguments\": {}}");
            assertThat(noName.statusCode()).isEqualTo(400);
            assertThat(procos.json(noName).path("error").asText()).contains("name");
            // only this endpoint records corrections: memory refuses the kind from clients
            assertThat(procos.post(
                                    "/api/memory",
                                    "application/json",
                                    "{\"text\": \"List dir\", \"kind\": \"correction\", \"properties\": {\"tool\": \"file.write\"}}")
                            .statusCode())
                    .isEqualTo(400);
            // and the route is behind the token like every other
            assertThat(procos.get("/api/tde/corrections", null).statusCode()).isEqualTo(401);
            assertThat(procos.api("/api/tde/corrections").statusCode()).isEqualTo(405);
        }
    }
}
