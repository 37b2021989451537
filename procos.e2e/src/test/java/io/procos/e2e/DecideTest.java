package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** POST /api/tde/decide on the running distribution: the offline planner picks the tool a task needs, or none, and says why. */
class DecideTest {

    @Test
    void theOfflinePlannerPicksAFittingToolFillsItsArgumentsOrSaysThatNoneFits() throws Exception {
        try (Distribution procos = Distribution.fresh("decide")) {
            procos.start();
            procos.awaitHealthy(); // the embedding model loads in the background

            JsonNode docker = procos.json(
                    procos.post(
                            "/api/tde/decide",
                            "application/json",
                            """
                    {"task": {"name": "Run the build in a container", "documentation": "Run `make test` in the image gcc:13"},
                     "toolPolicy": "default, docker.run"}"""));
            assertThat(docker.path("tool").asText()).as(docker.toString()).isEqualTo("docker.run");
            assertThat(docker.path("arguments").path("image").asText()).isEqualTo("gcc:13");
            assertThat(docker.path("arguments").path("command").toString()).isEqualTo("[\"make\",\"test\"]");
            assertThat(docker.path("planner").asText()).contains("offline");

            JsonNode write = procos.json(
                    procos.post(
                            "/api/tde/decide",
                            "application/json",
                            """
                    {"task": {"name": "Save the meeting notes", "documentation": "Write them to notes/meeting.txt"},
                     "variables": {"content": "Ship on Friday"}}"""));
            assertThat(write.path("tool").asText()).as(write.toString()).isEqualTo("file.write");
            assertThat(write.path("arguments").path("path").asText()).isEqualTo("notes/meeting.txt");
            assertThat(write.path("arguments").path("content").asText()).isEqualTo("Ship on Friday");

            JsonNode none = procos.json(
                    procos.post(
                            "/api/tde/decide",
                            "application/json",
                            """
                    {"task": {"name": "Call the customer and apologise", "documentation": "Phone Mrs. Miller about the late delivery"}}"""));
            assertThat(none.path("tool").isNull()).as(none.toString()).isTrue();
            assertThat(none.path("rationale").asText()).startsWith("no tool fits");

            // under the default policy (what a process that names nothing gets) no code-running tool is offered
            JsonNode contained = procos.json(
                    procos.post(
                            "/api/tde/decide",
                            "application/json",
                            """
                    {"task": {"name": "Run the build in a container", "documentation": "Run `make test` in the image gcc:13"}}"""));
            assertThat(contained.path("tool").asText()).as(contained.toString()).isNotEqualTo("docker.run");

            HttpResponse<String> bad = procos.post("/api/tde/decide", "application/json", "{\"task\": {}}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(procos.post(
                                    "/api/tde/decide",
                                    "application/json",
                                    "{\"task\": {\"name\": \"x\"}, \"toolPolicy\": \"everything\"}")
                            .statusCode())
                    .isEqualTo(400);
        }
    }

    @Test
    void theDecideEndpointAndARunningTaskDecideTheSameWayWithWhatMemoryRecalls() throws Exception {
        try (Distribution procos = Distribution.fresh("decide-same")) {
            procos.start();
            procos.awaitHealthy();
            // given a precedent: a task done before, remembered by ProcOS
            procos.post(
                    "/api/processes",
                    "application/xml",
                    ProcessRestTest.process(
                            "first-notes", null, "Save the meeting notes|Write 'Ship on Friday' to notes/friday.txt"));
            String first = procos.json(procos.post("/api/processes/first-notes/start", "application/json", "{}"))
                    .path("id")
                    .asText();
            assertThat(procos.awaitInstanceEnd(first, java.time.Duration.ofSeconds(60))
                            .path("state")
                            .asText())
                    .isEqualTo("COMPLETED");
            long until = System.nanoTime() + 30_000_000_000L;
            while (procos.json(procos.api("/api/memory/search?q=meeting+notes&kind=decision"))
                                    .path("hits")
                                    .size()
                            == 0
                    && System.nanoTime() < until) {
                Thread.sleep(200);
            }
            System.out.println("precedent: "
                    + procos.json(procos.api("/api/memory/search?q=meeting+notes&kind=decision"))
                            .path("hits")
                            .path(0));

            // when the same new task is decided through the endpoint and run in a process
            String name = "Store the notes of the meeting";
            String doc = "Put 'Ship on Monday' into notes/monday.txt";
            JsonNode decided = procos.json(procos.post(
                    "/api/tde/decide",
                    "application/json",
                    "{\"task\": {\"name\": \"" + name + "\", \"documentation\": \"" + doc + "\"}}"));
            procos.post(
                    "/api/processes",
                    "application/xml",
                    ProcessRestTest.process("second-notes", null, name + "|" + doc));
            String second = procos.json(procos.post("/api/processes/second-notes/start", "application/json", "{}"))
                    .path("id")
                    .asText();
            JsonNode ran = procos.awaitInstanceEnd(second, java.time.Duration.ofSeconds(60))
                    .path("tasks")
                    .path(0);

            // then both chose the same tool with the same arguments, and the running one shows why and how sure
            System.out.println("decide endpoint: " + decided);
            System.out.println("running task:    " + ran);
            assertThat(ran.path("tool").asText())
                    .isEqualTo(decided.path("tool").asText())
                    .isEqualTo("file.write");
            assertThat(ran.path("arguments")).isEqualTo(decided.path("arguments"));
            assertThat(ran.path("rationale").asText())
                    .isEqualTo(decided.path("rationale").asText())
                    .isNotBlank();
            assertThat(ran.path("confidence").asDouble())
                    .isEqualTo(decided.path("confidence").asDouble())
                    .isPositive();
        }
    }
}
