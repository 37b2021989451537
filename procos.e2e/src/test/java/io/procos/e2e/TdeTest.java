package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

/** The task executor in the running distribution: the probabilistic loop on a real stochastic tool, prompts, and which planner is active. */
class TdeTest {

    static boolean octave() {
        for (String dir : System.getenv("PATH").split(":"))
            if (Files.isExecutable(Path.of(dir, "octave-cli"))) return true;
        return false;
    }

    @Test
    void aMonteCarloEstimateOfPiConvergesAndANoisyOneStopsAtTheMaximum() throws Exception {
        assumeTrue(octave(), "skipped: GNU Octave (octave-cli) is not installed; ./procos test installs it");
        try (Distribution procos = Distribution.fresh("tde-pi")) {
            procos.start();
            procos.awaitHealthy();
            procos.post(
                    "/api/processes",
                    "application/xml",
                    ProcessRestTest.processAllowing(
                            "pi",
                            "default, matlab.run",
                            "Estimate pi by Monte Carlo simulation|Run `n = 20000; x = rand(n, 1); y = rand(n, 1); pi_estimate = 4 * mean(x .^ 2 + y .^ 2 <= 1);` in MATLAB"));
            String id = procos.json(procos.post("/api/processes/pi/start", "application/json", "{\"maxSamples\": 60}"))
                    .path("id")
                    .asText();
            procos.post(
                    "/api/processes",
                    "application/xml",
                    ProcessRestTest.processAllowing(
                            "noise",
                            "default, matlab.run",
                            "Simulate the noise level|Run `level = rand() * 1000;` in MATLAB"));
            String noisy = procos.json(procos.post(
                            "/api/processes/noise/start",
                            "application/json",
                            "{\"maxSamples\": 5, \"epsilon\": 1e-12}"))
                    .path("id")
                    .asText();

            // the estimate converges within 1% of pi, by sampling the tool again and again through tde.bpmn's loop
            JsonNode pi = procos.awaitInstanceEnd(id, Duration.ofSeconds(120));
            assertThat(pi.path("state").asText()).as(pi.toString()).isEqualTo("COMPLETED");
            JsonNode task = pi.path("tasks").path(0);
            assertThat(task.path("tool").asText()).isEqualTo("matlab.run");
            assertThat(task.path("mode").asText()).isEqualTo("probabilistic");
            // the loop's result is the task's result, under the task's own name
            JsonNode variables = Distribution.JSON.readTree(
                    pi.path("variables").path("task0_result").asText());
            assertThat(variables.path("converged").asBoolean())
                    .as(variables.toString())
                    .isTrue();
            assertThat(variables.path("samples").asInt()).isBetween(4, 59);
            assertThat(variables.path("value").asDouble()).isCloseTo(Math.PI, Percentage.withPercentage(1));
            System.out.printf(
                    "pi: %s after %s samples%n",
                    variables.path("value").asText(), variables.path("samples").asText());

            // a quantity that never settles stops at the maximum, and says it did not converge
            JsonNode noise = procos.awaitInstanceEnd(noisy, Duration.ofSeconds(120));
            assertThat(noise.path("state").asText()).as(noise.toString()).isEqualTo("COMPLETED");
            JsonNode noiseResult = Distribution.JSON.readTree(
                    noise.path("variables").path("task0_result").asText());
            assertThat(noiseResult.path("converged").asBoolean()).isFalse();
            assertThat(noiseResult.path("samples").asInt()).isEqualTo(5);
        }
    }

    @Test
    void promptsAreReadEditedCheckedAndResetWhileProcOSRuns() throws Exception {
        try (Distribution procos = Distribution.fresh("tde-prompts")) {
            procos.start();
            procos.awaitHealthy();
            assertThat(procos.json(procos.api("/api/prompts")).findValuesAsText("name"))
                    .contains("tde.decide", "das.generate");
            assertThat(procos.json(procos.api("/api/prompts/tde.decide"))
                            .path("edited")
                            .asBoolean())
                    .isFalse();

            HttpResponse<String> put =
                    procos.send("PUT", "/api/prompts/tde.decide", "text/plain", "Prefer file tools. {{task}}");
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            assertThat(procos.json(procos.api("/api/prompts/tde.decide"))
                            .path("text")
                            .asText())
                    .isEqualTo("Prefer file tools. {{task}}");
            assertThat(Files.readString(procos.home.resolve("data/prompts/tde.decide.txt")))
                    .isEqualTo("Prefer file tools. {{task}}");
            // and memory keeps the edit, as a version of the prompt
            JsonNode versions = procos.json(procos.api("/api/memory/search?kind=prompt&k=3&q="
                    + java.net.URLEncoder.encode(
                            "which tools the planner should prefer", java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(versions.path("hits").path(0).path("text").asText()).isEqualTo("Prefer file tools. {{task}}");
            assertThat(versions.path("hits")
                            .path(0)
                            .path("properties")
                            .path("name")
                            .asText())
                    .isEqualTo("tde.decide");

            HttpResponse<String> lost =
                    procos.send("PUT", "/api/prompts/tde.decide", "application/json", "{\"text\": \"no placeholder\"}");
            assertThat(lost.statusCode()).isEqualTo(400);
            assertThat(procos.json(lost).path("error").asText()).contains("{{task}}");
            // an encoded slash never reaches ProcOS: Jetty 12 refuses the ambiguous path itself
            HttpResponse<String> traversal = procos.send("PUT", "/api/prompts/..%2Fsecret", "text/plain", "{{task}}");
            assertThat(traversal.statusCode()).isEqualTo(400);
            HttpResponse<String> unknown = procos.send("PUT", "/api/prompts/no-such-prompt", "text/plain", "{{task}}");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(procos.json(unknown).path("error").asText()).contains("no-such-prompt");
            assertThat(procos.json(procos.api("/api/prompts/tde.decide"))
                            .path("text")
                            .asText())
                    .isEqualTo("Prefer file tools. {{task}}");

            HttpResponse<String> reset = procos.send("DELETE", "/api/prompts/tde.decide", "text/plain", null);
            assertThat(procos.json(reset).path("edited").asBoolean()).isFalse();

            // and health says which planner decides: offline, since no chat model is configured here
            JsonNode health = procos.json(procos.api("/api/health"));
            assertThat(health.toString()).contains("semantic (offline", "no chat model is configured");
        }
    }
}
