package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The assistant end to end, offline: fifteen descriptions of our own, from one step to parallel and
 * conditional flows, each generated, validated, deployed and run to its end by the orchestrator and the
 * task executor with the real tools; every generated BPMN read by bpmn-moddle (bpmn.io) without
 * warnings; the specification's "save to memory" sample through bin/procos ask; suggestions from memory.
 */
class DasTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A description, its variables, the structure it should get (tasks, parallel blocks, choices) and a file it must leave behind. */
    record Case(String text, String variables, int tasks, int parallel, int choices, String file, String content) {}

    static final List<Case> CASES = List.of(
            new Case(
                    "Write \"Quarterly figures are final\" to reports/q3.txt",
                    "{}",
                    1,
                    0,
                    0,
                    "reports/q3.txt",
                    "Quarterly figures are final"),
            new Case(
                    "Write \"Ship on Friday\" to notes/plan.txt, then read notes/plan.txt",
                    "{}",
                    2,
                    0,
                    0,
                    "notes/plan.txt",
                    "Ship on Friday"),
            new Case(
                    "1. Write \"alpha\" to lists/a.txt\n2. Write \"beta\" to lists/b.txt\n3. List the files in folder lists",
                    "{}",
                    3,
                    0,
                    0,
                    "lists/b.txt",
                    "beta"),
            new Case(
                    "Write \"Kickoff at 9\" to meetings/kickoff.txt. Then read meetings/kickoff.txt. Finally save to memory: the kickoff meeting starts at 9 am",
                    "{}",
                    3,
                    0,
                    0,
                    "meetings/kickoff.txt",
                    "Kickoff at 9"),
            new Case(
                    "Write \"red\" to colours/red.txt and write \"blue\" to colours/blue.txt at the same time",
                    "{}",
                    2,
                    1,
                    0,
                    "colours/blue.txt",
                    "blue"),
            new Case(
                    "At the same time write \"north\" to regions/north.txt and write \"south\" to regions/south.txt, then list the files in folder regions",
                    "{}",
                    3,
                    1,
                    0,
                    "regions/south.txt",
                    "south"),
            new Case(
                    "If the amount is more than 1000, write \"needs approval\" to orders/status.txt; otherwise write \"approved\" to orders/status.txt",
                    "{\"amount\": 1500}",
                    2,
                    0,
                    1,
                    "orders/status.txt",
                    "needs approval"),
            new Case(
                    "If the delay is more than 3 days, write \"book another carrier\" to shipping/action.txt; otherwise write \"inform the customer\" to shipping/action.txt",
                    "{\"delay\": 1}",
                    2,
                    0,
                    1,
                    "shipping/action.txt",
                    "inform the customer"),
            new Case(
                    "Write \"5 pallets\" to inventory/stock.txt. If the stock is below 10, write \"reorder\" to inventory/order.txt",
                    "{\"stock\": 5}",
                    2,
                    0,
                    1,
                    "inventory/order.txt",
                    "reorder"),
            new Case("save to memory: The Hamburg office moves to the harbour on 1 March", "{}", 1, 0, 0, null, null),
            new Case("Search memory for \"Hamburg office move\"", "{}", 1, 0, 0, null, null),
            new Case(
                    "- Write \"draft\" to docs/contract.txt\n- Read docs/contract.txt\n- Save to memory: the contract draft was reviewed",
                    "{}",
                    3,
                    0,
                    0,
                    "docs/contract.txt",
                    "draft"),
            new Case(
                    "Compute the eigenvalues of the stiffness matrix with MATLAB: `e = eig([2 -1; -1 2]);`",
                    "{}",
                    1,
                    0,
                    0,
                    null,
                    null),
            new Case(
                    "Simultaneously write \"a\" to batch/1.txt, write \"b\" to batch/2.txt and write \"c\" to batch/3.txt",
                    "{}",
                    3,
                    1,
                    0,
                    "batch/3.txt",
                    "c"),
            new Case(
                    "Write \"open\" to tickets/t1.txt. If the priority is at least 2, write \"escalated\" to tickets/level.txt; otherwise write \"normal\" to tickets/level.txt. "
                            + "Then list the files in folder tickets.",
                    "{\"priority\": 3}",
                    4,
                    0,
                    1,
                    "tickets/level.txt",
                    "escalated"));

    static int count(String xml, String element) {
        Matcher m = Pattern.compile("<(?:bpmn:)?" + element + "[\\s>/]").matcher(xml);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    @Test
    void fifteenDescriptionsBecomeProcessesThatRunToTheirEnd() throws Exception {
        assumeTrue(
                TdeTest.octave(),
                "skipped: GNU Octave (octave-cli) is not installed; ./procos test installs it (description 13 runs MATLAB code)");
        try (Distribution procos = Distribution.fresh("das")) {
            procos.start();
            procos.awaitHealthy();
            MemoryTest.awaitMemory(procos, "UP", Duration.ofSeconds(180));
            Path out = Path.of("target/das-bpmn").toAbsolutePath();
            Files.createDirectories(out);

            // generation alone: timed, nothing deployed
            List<Long> millis = new ArrayList<>();
            int intended = 0;
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < CASES.size(); i++) {
                Case c = CASES.get(i);
                long start = System.nanoTime();
                HttpResponse<String> g = procos.post(
                        "/api/das/generate", "application/json", JSON.writeValueAsString(Map.of("text", c.text())));
                millis.add((System.nanoTime() - start) / 1_000_000);
                assertThat(g.statusCode()).as(c.text() + ": " + g.body()).isEqualTo(200);
                String xml = g.body();
                boolean asIntended = count(xml, "serviceTask") == c.tasks()
                        && count(xml, "parallelGateway") == 2 * c.parallel()
                        && count(xml, "exclusiveGateway") == 2 * c.choices();
                if (asIntended) intended++;
                else
                    System.out.printf(
                            "structure differs for %d: %s -> %d tasks, %d parallel gateways, %d exclusive gateways%n",
                            i + 1,
                            c.text(),
                            count(xml, "serviceTask"),
                            count(xml, "parallelGateway"),
                            count(xml, "exclusiveGateway"));
                assertThat(xml)
                        .contains("bpmndi:BPMNDiagram", "camunda:topic=\"procos.task\"")
                        .doesNotContain("delegateExpression");
                Path file = out.resolve(String.format("%02d.bpmn", i + 1));
                Files.writeString(file, xml);
                files.add(file);
            }
            millis.sort(Long::compare);
            System.out.printf(
                    "offline generation: p50 %d ms, max %d ms over %d descriptions; %d of %d with the intended structure%n",
                    millis.get(millis.size() / 2), millis.get(millis.size() - 1), CASES.size(), intended, CASES.size());
            assertThat(intended).isEqualTo(CASES.size());
            assertThat(procos.json(procos.api("/api/processes")).findValuesAsText("key"))
                    .as("generate deploys nothing")
                    .isEmpty();

            // bpmn.io's own reader finds nothing to warn about, in these and in ProcOS's own BPMN
            for (String own : List.of("pdo.bpmn", "tde.bpmn"))
                files.add(Path.of(System.getProperty("procos.bpmn")).resolve(own));
            try (var samples =
                    Files.list(Path.of(System.getProperty("procos.bpmn")).resolve("samples"))) {
                samples.forEach(files::add);
            }
            for (JsonNode r : moddle(files)) {
                assertThat(r.path("error").isNull()).as(r.toString()).isTrue();
                assertThat(r.path("warnings")).as(r.path("file").asText()).isEmpty();
            }

            // every command runs to its end with the offline planner and the real tools
            List<String> ids = new ArrayList<>();
            for (Case c : CASES) {
                HttpResponse<String> r = procos.post(
                        "/api/das/commands",
                        "application/json",
                        "{\"text\": " + JSON.writeValueAsString(c.text()) + ", \"variables\": " + c.variables() + "}");
                assertThat(r.statusCode()).as(c.text() + ": " + r.body()).isEqualTo(201);
                JsonNode started = procos.json(r);
                assertThat(started.path("explanation").asText()).contains("outline (offline");
                ids.add(started.path("id").asText());
            }
            for (int i = 0; i < CASES.size(); i++) {
                Case c = CASES.get(i);
                JsonNode end = procos.awaitInstanceEnd(ids.get(i), Duration.ofSeconds(120));
                assertThat(end.path("state").asText())
                        .as((i + 1) + ": " + c.text() + "\n" + end)
                        .isEqualTo("COMPLETED");
                if (c.file() != null)
                    assertThat(Files.readString(
                                    procos.home.resolve("data/workspace").resolve(c.file())))
                            .isEqualTo(c.content());
            }
            // the conditional branches chose by the variables: the other file was never written
            assertThat(Files.readString(procos.home.resolve("data/workspace/orders/status.txt")))
                    .isEqualTo("needs approval");
            JsonNode matlab = procos.json(procos.api("/api/instances/" + ids.get(12)));
            assertThat(matlab.path("tasks").path(0).path("tool").asText()).isEqualTo("matlab.run");
            JsonNode search = procos.json(procos.api("/api/instances/" + ids.get(10)));
            assertThat(search.path("tasks").path(0).path("tool").asText()).isEqualTo("memory.search");
            assertThat(search.path("variables").path("task_1_result").asText())
                    .contains("Hamburg office moves to the harbour");

            // refused words: the reasons, and nothing deployed
            int before = procos.json(procos.api("/api/processes")).size();
            HttpResponse<String> empty = procos.post("/api/das/commands", "application/json", "{\"text\": \"  \"}");
            assertThat(empty.statusCode()).isEqualTo(422);
            assertThat(procos.json(empty).path("problems").toString()).contains("the text is empty");
            assertThat(procos.post("/api/das/commands", "application/json", "{\"txt\": \"x\"}")
                            .statusCode())
                    .isEqualTo(400);
            assertThat(procos.json(procos.api("/api/processes")).size()).isEqualTo(before);

            // health says which generator is active
            assertThat(procos.json(procos.api("/api/health")).toString()).contains("outline (offline, deterministic)");
        }
    }

    static List<JsonNode> moddle(List<Path> files) throws Exception {
        String output = Npm.run(
                "moddle",
                "bpmn-moddle@9",
                "bpmn-moddle",
                "moddle-check.mjs",
                files.stream().map(Path::toString).toList());
        List<JsonNode> results = new ArrayList<>();
        for (String line : output.split("\n")) if (line.startsWith("{")) results.add(JSON.readTree(line));
        assertThat(results).as(output).hasSize(files.size());
        return results;
    }

    @Test
    void saveToMemoryThroughTheCliIsFoundByOtherWordsAndFailuresBecomeSuggestions() throws Exception {
        try (Distribution procos = Distribution.fresh("das-cli")) {
            procos.start();
            procos.awaitHealthy();
            MemoryTest.awaitMemory(procos, "UP", Duration.ofSeconds(180));
            Distribution.Result ask = procos.procos(
                    "ask",
                    "save to memory: The Rotterdam warehouse closes at 6 pm on Fridays; trucks must arrive before 4 pm.");
            assertThat(ask.exitCode()).as(ask.output()).isZero();
            assertThat(ask.output())
                    .contains(
                            "Started instance",
                            "\"Save to memory\": completed with memory.save",
                            "Finished: COMPLETED");

            JsonNode hits = procos.json(procos.api("/api/memory/search?k=5&kind=note&q="
                    + URLEncoder.encode(
                            "When do lorries have to reach the Dutch depot at the end of the week?",
                            StandardCharsets.UTF_8)));
            assertThat(hits.path("hits").path(0).path("text").asText())
                    .isEqualTo("The Rotterdam warehouse closes at 6 pm on Fridays; trucks must arrive before 4 pm.");

            // a task no tool can do fails, and the assistant suggests what to change, with the evidence
            Distribution.Result failed = procos.procos("ask", "Phone Mrs. Miller about the late delivery");
            assertThat(failed.exitCode()).isNotZero();
            assertThat(failed.output()).contains("Finished: FAILED", "no tool fits");
            String key = failed.output()
                    .lines()
                    .filter(l -> l.startsWith("Process "))
                    .findFirst()
                    .orElseThrow()
                    .split("[ :]")[1];
            JsonNode suggestions = null;
            for (long end = System.nanoTime() + 60_000_000_000L; System.nanoTime() < end; Thread.sleep(500)) {
                suggestions = procos.json(procos.api("/api/das/suggestions?processKey=" + key));
                if (suggestions.path("suggestions").size() > 0) break;
            }
            assertThat(suggestions.path("suggestions").path(0).path("kind").asText())
                    .isEqualTo("failing-task");
            assertThat(suggestions.path("suggestions").path(0).path("evidence").toString())
                    .contains("3 of 3 runs failed", "no tool fits");
        }
    }
}
