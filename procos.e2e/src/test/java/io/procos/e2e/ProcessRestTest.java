package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Processes through REST against the running distribution: deploy, start, watch, refuse, survive a restart. */
class ProcessRestTest {

    static String process(String key, String between, String... tasks) {
        StringBuilder xml = new StringBuilder(
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="https://procos.io/e2e" id="defs">
                  <process id="%s" isExecutable="true">
                    <startEvent id="start"/>
                """
                        .formatted(key));
        String previous = "start";
        for (int i = 0; i < tasks.length; i++) {
            String id = "task" + i;
            if (i > 0 && between != null) {
                xml.append("<sequenceFlow id='w%d' sourceRef='%s' targetRef='wait%d'/>".formatted(i, previous, i));
                xml.append(
                        "<intermediateCatchEvent id='wait%d'><timerEventDefinition><timeDuration>%s</timeDuration></timerEventDefinition></intermediateCatchEvent>"
                                .formatted(i, between));
                previous = "wait" + i;
            }
            xml.append("<sequenceFlow id='f%d' sourceRef='%s' targetRef='%s'/>".formatted(i, previous, id));
            String[] nameAndDoc = tasks[i].split("\\|", 2);
            String doc = nameAndDoc.length > 1 ? nameAndDoc[1] : nameAndDoc[0];
            xml.append(
                    "<serviceTask id='%s' name='%s' camunda:type='external' camunda:topic='procos.task'><documentation>%s</documentation></serviceTask>"
                            .formatted(
                                    id,
                                    nameAndDoc[0],
                                    doc.replace("&", "&amp;")
                                            .replace("<", "&lt;")
                                            .replace("\"", "&quot;")));
            previous = id;
        }
        xml.append(
                "<sequenceFlow id='fend' sourceRef='%s' targetRef='end'/><endEvent id='end'/></process></definitions>"
                        .formatted(previous));
        return xml.toString();
    }

    /** The same, with the process property that names what its tasks may use ({@code procos.tools}). */
    static String processAllowing(String key, String toolPolicy, String... tasks) {
        return process(key, null, tasks)
                .replaceFirst(
                        "(<process [^>]*>)",
                        "$1<extensionElements><camunda:properties>" + "<camunda:property name='procos.tools' value='"
                                + toolPolicy + "'/></camunda:properties></extensionElements>");
    }

    @Test
    void aSequentialProcessRunsToItsEndWithItsTasksInOrder() throws Exception {
        try (Distribution procos = Distribution.fresh("rest-sequential")) {
            // given a running ProcOS and a three-task process deployed over REST
            procos.start();
            HttpResponse<String> deployed = procos.post(
                    "/api/processes?name=report.bpmn",
                    "application/xml",
                    process(
                                    "monthly-report",
                                    null,
                                    "Write the summary to a file|Put \"All checks passed\" into reports/summary.txt",
                                    "Open the summary|Read reports/summary.txt",
                                    "Find the reports|List the files in folder reports")
                            .replaceFirst(
                                    "(<serviceTask id='task1'.*?</documentation>)",
                                    "$1<extensionElements><camunda:properties>"
                                            + "<camunda:property name='procos.output' value='content=summaryText'/></camunda:properties></extensionElements>"));
            assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
            assertThat(procos.json(procos.api("/api/processes")).findValuesAsText("key"))
                    .contains("monthly-report");

            // when it is started with variables, one of them named like a field of every task's result
            HttpResponse<String> started = procos.post(
                    "/api/processes/monthly-report/start",
                    "application/json",
                    "{\"month\": \"November\", \"path\": \"reports\"}");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
            String id = procos.json(started).path("id").asText();

            // then it completes, each task once, in order, one after the other, each done by the tool that fits it
            JsonNode instance = procos.awaitInstanceEnd(id, Duration.ofSeconds(60));
            assertThat(instance.path("state").asText()).as(instance.toString()).isEqualTo("COMPLETED");
            assertThat(instance.path("variables").path("month").asText()).isEqualTo("November");
            // the inputs are what they were: no task's result overwrote them
            assertThat(instance.path("variables").path("path").asText()).isEqualTo("reports");
            List<JsonNode> tasks = new ArrayList<>();
            instance.path("tasks").forEach(tasks::add);
            assertThat(tasks)
                    .extracting(t -> t.path("name").asText())
                    .containsExactly("Write the summary to a file", "Open the summary", "Find the reports");
            assertThat(tasks)
                    .extracting(t -> t.path("tool").asText())
                    .containsExactly("file.write", "file.read", "file.list");
            assertThat(tasks).allSatisfy(t -> {
                assertThat(t.path("status").asText()).isEqualTo("COMPLETED");
                assertThat(t.path("attempts").asInt()).isEqualTo(1);
                assertThat(t.path("rationale").asText()).isNotBlank(); // why the planner chose the tool
                assertThat(t.path("confidence").asDouble()).isPositive();
            });
            // and the work is real: the file exists; each task's result is under its own name, and the read's
            // content went where the process's output mapping says
            assertThat(java.nio.file.Files.readString(procos.home.resolve("data/workspace/reports/summary.txt")))
                    .isEqualTo("All checks passed");
            assertThat(instance.path("variables").path("task1_result").asText()).contains("All checks passed");
            assertThat(instance.path("variables").path("task2_result").asText()).contains("summary.txt");
            assertThat(instance.path("variables").path("summaryText").asText()).isEqualTo("All checks passed");
            for (int i = 1; i < tasks.size(); i++) {
                assertThat(Instant.parse(tasks.get(i).path("startedAt").asText()))
                        .isAfterOrEqualTo(
                                Instant.parse(tasks.get(i - 1).path("endedAt").asText()));
            }
            assertThat(procos.json(procos.api("/api/instances?state=COMPLETED")).findValuesAsText("id"))
                    .contains(id);
        }
    }

    @Test
    void aTaskNoToolFitsIsRetriedThenShowsAsAnIncidentWithItsReason() throws Exception {
        try (Distribution procos = Distribution.fresh("rest-no-tool")) {
            procos.start();
            procos.awaitHealthy();
            procos.post(
                    "/api/processes",
                    "application/xml",
                    process(
                            "apology",
                            null,
                            "Call the customer and apologise|Phone Mrs. Miller about the late delivery"));
            String id = procos.json(procos.post("/api/processes/apology/start", "application/json", "{}"))
                    .path("id")
                    .asText();
            // and a task whose fitting tool gets no usable arguments from its words
            procos.post(
                    "/api/processes",
                    "application/xml",
                    process("vague", null, "Save the meeting notes|Write them to notes/meeting.txt"));
            String vague = procos.json(procos.post("/api/processes/vague/start", "application/json", "{}"))
                    .path("id")
                    .asText();

            // retried with backoff (2 s, 4 s), then an incident carrying the planner's reason
            JsonNode failed = procos.awaitInstanceEnd(id, Duration.ofSeconds(60));
            assertThat(failed.path("state").asText()).as(failed.toString()).isEqualTo("FAILED");
            JsonNode task = failed.path("tasks").path(0);
            assertThat(task.path("status").asText()).isEqualTo("FAILED");
            assertThat(task.path("attempts").asInt()).isEqualTo(3);
            assertThat(task.path("tool").isNull()).isTrue();
            assertThat(failed.path("incidents").path(0).path("message").asText())
                    .startsWith("no tool fits");
            // the fitting tool cannot be called with what the words give: no call, no retry, and the reason says what
            // was missing and how to give it
            JsonNode invalid = procos.awaitInstanceEnd(vague, Duration.ofSeconds(60));
            assertThat(invalid.path("state").asText()).as(invalid.toString()).isEqualTo("FAILED");
            assertThat(invalid.path("tasks").path(0).path("tool").isNull()).isTrue();
            assertThat(invalid.path("tasks").path(0).path("attempts").asInt()).isEqualTo(1);
            assertThat(invalid.path("incidents").path(0).path("message").asText())
                    .contains("file.write", "gives no content", "process variable content");
            assertThat(procos.home.resolve("data/workspace").toFile().list()).isNullOrEmpty();
        }
    }

    @Test
    void aToolInstalledWhileProcOSRunsIsChosenForTheTaskThatFitsIt() throws Exception {
        java.nio.file.Path template = java.nio.file.Path.of(System.getProperty("procos.templateTool"));
        try (Distribution procos = Distribution.fresh("rest-new-tool")) {
            procos.start();
            procos.awaitHealthy();
            java.nio.file.Path bpmnDir = java.nio.file.Path.of(System.getProperty("procos.bpmn"));
            byte[] pdoBefore = java.nio.file.Files.readAllBytes(bpmnDir.resolve("pdo.bpmn"));
            byte[] tdeBefore = java.nio.file.Files.readAllBytes(bpmnDir.resolve("tde.bpmn"));

            // when a word-count tool is dropped in while ProcOS runs
            java.nio.file.Files.copy(template, procos.home.resolve("tools/wordcount.jar.part"));
            java.nio.file.Files.move(
                    procos.home.resolve("tools/wordcount.jar.part"), procos.home.resolve("tools/wordcount.jar"));
            for (long end = System.nanoTime() + 10_000_000_000L;
                    System.nanoTime() < end
                            && !procos.json(procos.api("/api/tools"))
                                    .findValuesAsText("name")
                                    .contains("text.wordcount"); ) Thread.sleep(50);

            // then a task asking for a word count is done with it, and its result comes back under the task's name
            procos.post(
                    "/api/processes",
                    "application/xml",
                    process(
                            "press",
                            null,
                            "Count the words of the press release|How many words does \"We are proud to announce our new product line\" have?"));
            String id = procos.json(procos.post(
                            "/api/processes/press/start",
                            "application/json",
                            "{\"text\": \"We are proud to announce our new product line\"}"))
                    .path("id")
                    .asText();
            JsonNode done = procos.awaitInstanceEnd(id, Duration.ofSeconds(60));
            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("COMPLETED");
            assertThat(done.path("tasks").path(0).path("tool").asText()).isEqualTo("text.wordcount");
            assertThat(Distribution.JSON
                            .readTree(
                                    done.path("variables").path("task0_result").asText())
                            .path("words")
                            .asInt())
                    .isEqualTo(9);
            // with the orchestrator's BPMN untouched
            assertThat(java.nio.file.Files.readAllBytes(bpmnDir.resolve("pdo.bpmn")))
                    .isEqualTo(pdoBefore);
            assertThat(java.nio.file.Files.readAllBytes(bpmnDir.resolve("tde.bpmn")))
                    .isEqualTo(tdeBefore);
        }
    }

    @Test
    void badRequestsAreRefusedClearlyAndNothingIsDeployed() throws Exception {
        try (Distribution procos = Distribution.fresh("rest-invalid")) {
            procos.start();
            // not BPMN: the parser's message, nothing deployed
            HttpResponse<String> broken =
                    procos.post("/api/processes", "application/xml", "<definitions><process id='x'");
            assertThat(broken.statusCode()).isEqualTo(400);
            assertThat(procos.json(broken).path("error").asText())
                    .contains("not valid BPMN 2.0 XML", "Nothing was deployed");
            // a flow pointing at nothing: the engine parser's message names the element
            String dangling = process("dangling", null, "Do it").replace("targetRef='task0'", "targetRef='nowhere'");
            HttpResponse<String> refused = procos.post("/api/processes", "application/xml", dangling);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("nowhere");
            assertThat(procos.json(procos.api("/api/processes")).findValuesAsText("key"))
                    .doesNotContain("x", "dangling");
            // an unknown process, a body that is not JSON, an unknown state, a body that is too large
            assertThat(procos.post("/api/processes/nope/start", "application/json", "{}")
                            .statusCode())
                    .isEqualTo(404);
            procos.post("/api/processes", "application/xml", process("ok", null, "Fine"));
            HttpResponse<String> notJson = procos.post("/api/processes/ok/start", "application/json", "{month: ");
            assertThat(notJson.statusCode()).isEqualTo(400);
            assertThat(notJson.body()).contains("not valid JSON");
            assertThat(procos.api("/api/instances?state=SLEEPING").statusCode()).isEqualTo(400);
            HttpResponse<String> huge =
                    procos.post("/api/processes", "application/xml", "<x>" + "a".repeat(11 * 1024 * 1024) + "</x>");
            assertThat(huge.statusCode()).isEqualTo(413);
            assertThat(procos.json(huge).path("error").asText()).contains("too large");
            // and ProcOS is still healthy
            procos.awaitHealthy();
        }
    }

    @Test
    void aProcessStoppedMidwayContinuesAfterTheNextStart() throws Exception {
        try (Distribution procos = Distribution.fresh("rest-restart")) {
            // given a process that waits 4 s between its two tasks, started and past its first task
            procos.start();
            procos.post(
                    "/api/processes",
                    "application/xml",
                    process(
                            "overnight",
                            "PT4S",
                            "Write the first note|Put \"before\" into notes/first.txt",
                            "Write the second note|Put \"after\" into notes/second.txt"));
            String id = procos.json(procos.post("/api/processes/overnight/start", "application/json", ""))
                    .path("id")
                    .asText();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            JsonNode view;
            do {
                Thread.sleep(100);
                view = procos.json(procos.api("/api/instances/" + id));
            } while (!"COMPLETED"
                            .equals(view.path("tasks").path(0).path("status").asText())
                    && System.nanoTime() < deadline);
            assertThat(view.path("tasks")).hasSize(1);

            // when ProcOS is stopped and started again
            assertThat(procos.stop().exitCode()).isZero();
            procos.start();

            // then the instance continues and completes
            JsonNode done = procos.awaitInstanceEnd(id, Duration.ofSeconds(60));
            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("COMPLETED");
            assertThat(done.path("tasks").findValuesAsText("name"))
                    .containsExactly("Write the first note", "Write the second note");
            assertThat(java.nio.file.Files.readString(procos.home.resolve("data/workspace/notes/second.txt")))
                    .isEqualTo("after");
        }
    }
}
