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

            JsonNode docker = procos.json(procos.post("/api/tde/decide", "application/json", """
                    {"task": {"name": "Run the build in a container", "documentation": "Run `make test` in the image gcc:13"}}"""));
            assertThat(docker.path("tool").asText()).as(docker.toString()).isEqualTo("docker.run");
            assertThat(docker.path("arguments").path("image").asText()).isEqualTo("gcc:13");
            assertThat(docker.path("arguments").path("command").toString()).isEqualTo("[\"make\",\"test\"]");
            assertThat(docker.path("planner").asText()).contains("offline");

            JsonNode write = procos.json(procos.post("/api/tde/decide", "application/json", """
                    {"task": {"name": "Save the meeting notes", "documentation": "Write them to notes/meeting.txt"},
                     "variables": {"content": "Ship on Friday"}}"""));
            assertThat(write.path("tool").asText()).as(write.toString()).isEqualTo("file.write");
            assertThat(write.path("arguments").path("path").asText()).isEqualTo("notes/meeting.txt");
            assertThat(write.path("arguments").path("content").asText()).isEqualTo("Ship on Friday");

            JsonNode none = procos.json(procos.post("/api/tde/decide", "application/json", """
                    {"task": {"name": "Call the customer and apologise", "documentation": "Phone Mrs. Miller about the late delivery"}}"""));
            assertThat(none.path("tool").isNull()).as(none.toString()).isTrue();
            assertThat(none.path("rationale").asText()).startsWith("no tool fits");

            HttpResponse<String> bad = procos.post("/api/tde/decide", "application/json", "{\"task\": {}}");
            assertThat(bad.statusCode()).isEqualTo(400);
        }
    }
}
