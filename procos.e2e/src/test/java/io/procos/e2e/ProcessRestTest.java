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
        StringBuilder xml = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="https://procos.io/e2e" id="defs">
                  <process id="%s" isExecutable="true">
                    <startEvent id="start"/>
                """.formatted(key));
        String previous = "start";
        for (int i = 0; i < tasks.length; i++) {
            String id = "task" + i;
            if (i > 0 && between != null) {
                xml.append("<sequenceFlow id='w%d' sourceRef='%s' targetRef='wait%d'/>".formatted(i, previous, i));
                xml.append("<intermediateCatchEvent id='wait%d'><timerEventDefinition><timeDuration>%s</timeDuration></timerEventDefinition></intermediateCatchEvent>"
                        .formatted(i, between));
                previous = "wait" + i;
            }
            xml.append("<sequenceFlow id='f%d' sourceRef='%s' targetRef='%s'/>".formatted(i, previous, id));
            xml.append("<serviceTask id='%s' name='%s' camunda:type='external' camunda:topic='procos.task'><documentation>%s, in words.</documentation></serviceTask>"
                    .formatted(id, tasks[i], tasks[i]));
            previous = id;
        }
        xml.append("<sequenceFlow id='fend' sourceRef='%s' targetRef='end'/><endEvent id='end'/></process></definitions>".formatted(previous));
        return xml.toString();
    }

    @Test
    void aSequentialProcessRunsToItsEndWithItsTasksInOrder() throws Exception {
        try (Distribution procos = Distribution.fresh("rest-sequential")) {
            // given a running ProcOS and a three-task process deployed over REST
            procos.start();
            HttpResponse<String> deployed = procos.post("/api/processes?name=report.bpmn", "application/xml",
                    process("monthly-report", null, "Collect the figures", "Check them", "Send the report"));
            assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
            assertThat(procos.json(procos.api("/api/processes")).findValuesAsText("key")).contains("monthly-report");

            // when it is started with a variable
            HttpResponse<String> started = procos.post("/api/processes/monthly-report/start", "application/json", "{\"month\": \"November\"}");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
            String id = procos.json(started).path("id").asText();

            // then it completes, each task once, in order, one after the other
            JsonNode instance = procos.awaitInstanceEnd(id, Duration.ofSeconds(60));
            assertThat(instance.path("state").asText()).as(instance.toString()).isEqualTo("COMPLETED");
            assertThat(instance.path("variables").path("month").asText()).isEqualTo("November");
            List<JsonNode> tasks = new ArrayList<>();
            instance.path("tasks").forEach(tasks::add);
            assertThat(tasks).extracting(t -> t.path("name").asText())
                    .containsExactly("Collect the figures", "Check them", "Send the report");
            assertThat(tasks).allSatisfy(t -> {
                assertThat(t.path("status").asText()).isEqualTo("COMPLETED");
                assertThat(t.path("attempts").asInt()).isEqualTo(1);
            });
            for (int i = 1; i < tasks.size(); i++) {
                assertThat(Instant.parse(tasks.get(i).path("startedAt").asText()))
                        .isAfterOrEqualTo(Instant.parse(tasks.get(i - 1).path("endedAt").asText()));
            }
            assertThat(procos.json(procos.api("/api/instances?state=COMPLETED")).findValuesAsText("id")).contains(id);
        }
    }

    @Test
    void badRequestsAreRefusedClearlyAndNothingIsDeployed() throws Exception {
        try (Distribution procos = Distribution.fresh("rest-invalid")) {
            procos.start();
            // not BPMN: the parser's message, nothing deployed
            HttpResponse<String> broken = procos.post("/api/processes", "application/xml", "<definitions><process id='x'");
            assertThat(broken.statusCode()).isEqualTo(400);
            assertThat(procos.json(broken).path("error").asText()).contains("not valid BPMN 2.0 XML", "Nothing was deployed");
            // a flow pointing at nothing: the engine parser's message names the element
            String dangling = process("dangling", null, "Do it").replace("targetRef='task0'", "targetRef='nowhere'");
            HttpResponse<String> refused = procos.post("/api/processes", "application/xml", dangling);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("nowhere");
            assertThat(procos.json(procos.api("/api/processes")).findValuesAsText("key")).doesNotContain("x", "dangling");
            // an unknown process, a body that is not JSON, an unknown state, a body that is too large
            assertThat(procos.post("/api/processes/nope/start", "application/json", "{}").statusCode()).isEqualTo(404);
            procos.post("/api/processes", "application/xml", process("ok", null, "Fine"));
            HttpResponse<String> notJson = procos.post("/api/processes/ok/start", "application/json", "{month: ");
            assertThat(notJson.statusCode()).isEqualTo(400);
            assertThat(notJson.body()).contains("not valid JSON");
            assertThat(procos.api("/api/instances?state=SLEEPING").statusCode()).isEqualTo(400);
            HttpResponse<String> huge = procos.post("/api/processes", "application/xml", "<x>" + "a".repeat(11 * 1024 * 1024) + "</x>");
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
            procos.post("/api/processes", "application/xml", process("overnight", "PT4S", "Before the break", "After the break"));
            String id = procos.json(procos.post("/api/processes/overnight/start", "application/json", "")).path("id").asText();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            JsonNode view;
            do {
                Thread.sleep(100);
                view = procos.json(procos.api("/api/instances/" + id));
            } while (!"COMPLETED".equals(view.path("tasks").path(0).path("status").asText()) && System.nanoTime() < deadline);
            assertThat(view.path("tasks")).hasSize(1);

            // when ProcOS is stopped and started again
            assertThat(procos.stop().exitCode()).isZero();
            procos.start();

            // then the instance continues and completes
            JsonNode done = procos.awaitInstanceEnd(id, Duration.ofSeconds(60));
            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("COMPLETED");
            assertThat(done.path("tasks").findValuesAsText("name")).containsExactly("Before the break", "After the break");
        }
    }
}
