package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Camunda Modeler deploys to ProcOS as to a Camunda 7 engine. The requests are the Modeler's own, as its deployment
 * plugin makes them (client/src/plugins/camunda-plugin/shared/CamundaAPI.js): the connection check
 * {@code GET /deployment?maxResults=0}, {@code GET /version}, then {@code POST /deployment/create} as a browser
 * {@code FormData} (deployment-name, deployment-source "Camunda Modeler", enable-duplicate-filtering, the diagram as a
 * file part named like the file, type text/xml), then {@code POST /process-definition/{id}/start} with Camunda's
 * typed variables, each with {@code accept: application/json} and the bearer token.
 */
class CamundaModelerTest {

    static final String BOUNDARY = "----WebKitFormBoundaryq7d4Ls9Jw2XbA1Ez";

    /** A diagram as the Modeler saves it: its exporter, execution platform and diagram interchange included. */
    static String modelerDiagram(String key, String taskName, String documentation) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_1m2x7qk" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.31.0" modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.24.0">
                  <bpmn:process id="%1$s" name="Order note" isExecutable="true" camunda:historyTimeToLive="P30D">
                    <bpmn:startEvent id="StartEvent_1">
                      <bpmn:outgoing>Flow_0a1</bpmn:outgoing>
                    </bpmn:startEvent>
                    <bpmn:sequenceFlow id="Flow_0a1" sourceRef="StartEvent_1" targetRef="Activity_1w8" />
                    <bpmn:serviceTask id="Activity_1w8" name="%2$s" camunda:type="external" camunda:topic="procos.task">
                      <bpmn:documentation>%3$s</bpmn:documentation>
                      <bpmn:incoming>Flow_0a1</bpmn:incoming>
                      <bpmn:outgoing>Flow_1b2</bpmn:outgoing>
                    </bpmn:serviceTask>
                    <bpmn:endEvent id="Event_0c3">
                      <bpmn:incoming>Flow_1b2</bpmn:incoming>
                    </bpmn:endEvent>
                    <bpmn:sequenceFlow id="Flow_1b2" sourceRef="Activity_1w8" targetRef="Event_0c3" />
                  </bpmn:process>
                  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
                    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="%1$s">
                      <bpmndi:BPMNShape id="_BPMNShape_StartEvent_2" bpmnElement="StartEvent_1">
                        <dc:Bounds x="179" y="99" width="36" height="36" />
                      </bpmndi:BPMNShape>
                      <bpmndi:BPMNShape id="Activity_1w8_di" bpmnElement="Activity_1w8">
                        <dc:Bounds x="270" y="77" width="100" height="80" />
                      </bpmndi:BPMNShape>
                      <bpmndi:BPMNShape id="Event_0c3_di" bpmnElement="Event_0c3">
                        <dc:Bounds x="432" y="99" width="36" height="36" />
                      </bpmndi:BPMNShape>
                      <bpmndi:BPMNEdge id="Flow_0a1_di" bpmnElement="Flow_0a1">
                        <di:waypoint x="215" y="117" />
                        <di:waypoint x="270" y="117" />
                      </bpmndi:BPMNEdge>
                      <bpmndi:BPMNEdge id="Flow_1b2_di" bpmnElement="Flow_1b2">
                        <di:waypoint x="370" y="117" />
                        <di:waypoint x="432" y="117" />
                      </bpmndi:BPMNEdge>
                    </bpmndi:BPMNPlane>
                  </bpmndi:BPMNDiagram>
                </bpmn:definitions>
                """
                .formatted(key, taskName, documentation);
    }

    /** The body a browser's FormData makes of the Modeler's fields and the diagram. */
    static String form(String deploymentName, String fileName, String diagram) {
        String b = "--" + BOUNDARY + "\r\n";
        return b + "Content-Disposition: form-data; name=\"deployment-name\"\r\n\r\n" + deploymentName + "\r\n"
                + b + "Content-Disposition: form-data; name=\"deployment-source\"\r\n\r\nCamunda Modeler\r\n"
                + b + "Content-Disposition: form-data; name=\"enable-duplicate-filtering\"\r\n\r\ntrue\r\n"
                + b + "Content-Disposition: form-data; name=\"" + fileName + "\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: text/xml\r\n\r\n" + diagram + "\r\n"
                + "--" + BOUNDARY + "--\r\n";
    }

    static HttpResponse<String> modeler(
            Distribution procos, String method, String path, String contentType, String body, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(procos.uri("/engine-rest" + path))
                .timeout(Duration.ofSeconds(60))
                .header("accept", "application/json");
        if (token != null) request.header("authorization", "Bearer " + token);
        if (contentType != null) request.header("content-type", contentType);
        request.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return procos.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theModelersDeployAndStartRequestsDeployAndRunADiagram() throws Exception {
        try (Distribution procos = Distribution.fresh("modeler")) {
            procos.start();
            procos.awaitHealthy();
            String token = procos.token();

            // given the Modeler's connection check: without the token it is refused, with it answered
            assertThat(modeler(procos, "GET", "/deployment?maxResults=0", null, null, null)
                            .statusCode())
                    .isEqualTo(401);
            HttpResponse<String> check = modeler(procos, "GET", "/deployment?maxResults=0", null, null, token);
            assertThat(check.statusCode()).as(check.body()).isEqualTo(200);
            assertThat(procos.json(check).isArray()).isTrue();
            HttpResponse<String> version = modeler(procos, "GET", "/version", null, null, token);
            assertThat(procos.json(version).path("version").asText()).startsWith("7.");

            // when the Modeler deploys a diagram drawn in it
            String diagram = modelerDiagram(
                    "order-note", "Write the order note", "Put \"Order 4711 shipped\" into orders/note.txt");
            HttpResponse<String> deployed = modeler(
                    procos,
                    "POST",
                    "/deployment/create",
                    "multipart/form-data; boundary=" + BOUNDARY,
                    form("order-note", "order-note.bpmn", diagram),
                    token);

            // then it is deployed, answered as Camunda answers, and listed by ProcOS
            assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
            JsonNode deployment = procos.json(deployed);
            assertThat(deployment.path("name").asText()).isEqualTo("order-note");
            assertThat(deployment.path("source").asText()).isEqualTo("Camunda Modeler");
            JsonNode definitions = deployment.path("deployedProcessDefinitions");
            assertThat(definitions.size()).isEqualTo(1);
            JsonNode definition = definitions.elements().next();
            assertThat(definition.path("key").asText()).isEqualTo("order-note");
            assertThat(definition.path("deploymentId").asText())
                    .isEqualTo(deployment.path("id").asText());
            assertThat(procos.json(procos.api("/api/processes")).findValuesAsText("key"))
                    .contains("order-note");

            // and the Modeler's "start instance" runs it to its end with the tool that fits the task
            HttpResponse<String> started = modeler(
                    procos,
                    "POST",
                    "/process-definition/" + definition.path("id").asText() + "/start",
                    "application/json",
                    "{\"businessKey\":\"order-4711\",\"variables\":{\"customer\":{\"value\":\"ACME\",\"type\":\"String\"},"
                            + "\"quantity\":{\"value\":3,\"type\":\"Integer\"}}}",
                    token);
            assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
            String id = procos.json(started).path("id").asText();
            assertThat(procos.json(started).path("definitionId").asText())
                    .isEqualTo(definition.path("id").asText());
            JsonNode instance = procos.awaitInstanceEnd(id, Duration.ofSeconds(60));
            assertThat(instance.path("state").asText()).as(instance.toString()).isEqualTo("COMPLETED");
            assertThat(instance.path("variables").path("customer").asText()).isEqualTo("ACME");
            assertThat(instance.path("variables").path("quantity").asInt()).isEqualTo(3);
            assertThat(instance.path("tasks").get(0).path("tool").asText()).isEqualTo("file.write");
            assertThat(Files.readString(procos.home.resolve("data/workspace/orders/note.txt")))
                    .isEqualTo("Order 4711 shipped");
        }
    }

    @Test
    void aDiagramProcOSRefusesIsAProblemTheModelerShowsAndNothingIsDeployed() throws Exception {
        try (Distribution procos = Distribution.fresh("modeler-refused")) {
            procos.start();
            procos.awaitHealthy();
            String token = procos.token();

            // a script task: no script of any language runs in ProcOS
            String withScript = modelerDiagram("scripted", "Run a script", "Compute the total")
                    .replace(
                            "<bpmn:serviceTask id=\"Activity_1w8\" name=\"Run a script\" camunda:type=\"external\" camunda:topic=\"procos.task\">",
                            "<bpmn:scriptTask id=\"Activity_1w8\" name=\"Run a script\" scriptFormat=\"javascript\">")
                    .replace(
                            "</bpmn:serviceTask>",
                            "<bpmn:script>java.lang.Runtime.getRuntime().exec('id')</bpmn:script></bpmn:scriptTask>");
            HttpResponse<String> refused = modeler(
                    procos,
                    "POST",
                    "/deployment/create",
                    "multipart/form-data; boundary=" + BOUNDARY,
                    form("scripted", "scripted.bpmn", withScript),
                    token);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            // the Modeler reads a diagram problem from a message with the engine's parse code
            assertThat(procos.json(refused).path("message").asText())
                    .startsWith("ENGINE-09005 Could not parse BPMN process.")
                    .contains("Activity_1w8");

            // a form without a diagram, and a body that is no form, are refused with what was wrong
            HttpResponse<String> noDiagram = modeler(
                    procos,
                    "POST",
                    "/deployment/create",
                    "multipart/form-data; boundary=" + BOUNDARY,
                    "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"deployment-name\"\r\n\r\nx\r\n--"
                            + BOUNDARY + "--\r\n",
                    token);
            assertThat(noDiagram.statusCode()).isEqualTo(400);
            assertThat(procos.json(noDiagram).path("message").asText()).contains("no BPMN file");
            HttpResponse<String> notAForm =
                    modeler(procos, "POST", "/deployment/create", "application/xml", withScript, token);
            assertThat(notAForm.statusCode()).isEqualTo(415);

            assertThat(procos.json(procos.api("/api/processes")).findValuesAsText("key"))
                    .doesNotContain("scripted");
        }
    }
}
