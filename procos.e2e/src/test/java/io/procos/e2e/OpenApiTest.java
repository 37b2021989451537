package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/openapi.json} as a client generator would take it: a validator (swagger-parser, from npm)
 * accepts it, and every operation it lists is called on the running distribution, answering with a status
 * and media type the description gives for it, and never as a route nobody serves.
 */
class OpenApiTest {

    static final String PROBE = "openapi-probe";

    /** One call: the body to send (null: none) and its media type. */
    record Call(String contentType, String body) {}

    @Test
    void theDescriptionIsValidAndEveryOperationInItAnswersAsDescribed() throws Exception {
        try (Distribution procos = Distribution.fresh("openapi")) {
            procos.start();
            procos.awaitHealthy();

            assertThat(procos.get("/api/openapi.json", null).statusCode())
                    .as("without the token")
                    .isEqualTo(401);
            HttpResponse<String> described = procos.api("/api/openapi.json");
            assertThat(described.statusCode()).as(described.body()).isEqualTo(200);
            JsonNode doc = procos.json(described);

            // a validator accepts it
            JsonNode check = swaggerParser(described.body());
            assertThat(check.path("valid").asBoolean()).as(check.toString()).isTrue();
            assertThat(check.path("openapi").asText()).startsWith("3.");

            // what the probes need: a deployed process and an instance of it
            String bpmn = CamundaModelerTest.modelerDiagram(
                    PROBE, "List the files in the workspace", "list the files in the folder .");
            HttpResponse<String> deployed = procos.post("/api/processes?name=probe.bpmn", "application/xml", bpmn);
            assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
            String instance = procos.json(procos.post("/api/processes/" + PROBE + "/start", "application/json", "{}"))
                    .path("id")
                    .asText();
            procos.awaitInstanceEnd(instance, Duration.ofSeconds(60));
            // the graph answers what memory recorded of it
            MemoryTest.awaitMemory(procos, "UP", Duration.ofSeconds(120));
            HttpResponse<String> modeler = CamundaModelerTest.modeler(
                    procos,
                    "POST",
                    "/deployment/create",
                    "multipart/form-data; boundary=" + CamundaModelerTest.BOUNDARY,
                    CamundaModelerTest.form("probe", "probe.bpmn", bpmn.replace(PROBE, PROBE + "-modeler")),
                    procos.token());
            assertThat(modeler.statusCode()).as(modeler.body()).isEqualTo(200);
            String definition = procos.json(modeler)
                    .path("deployedProcessDefinitions")
                    .fieldNames()
                    .next();
            String session = mcpSession(procos);

            Map<String, String> parameters = Map.of("key", PROBE, "id", instance, "name", "file.list");
            Map<String, String> promptParameters = Map.of("name", "tde.decide");
            int operations = 0, successes = 0;
            List<String> wrong = new ArrayList<>();
            TreeSet<String> unprobed = new TreeSet<>();
            Map<String, Call> calls = calls(bpmn, procos);
            // every operation as {path, method}, those that remove something (DELETE) last
            List<String[]> all = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                path.getValue().fieldNames().forEachRemaining(m -> all.add(new String[] {path.getKey(), m}));
            }
            all.sort(Comparator.comparing(o -> o[1].equals("delete")));
            for (String[] each : all) {
                String template = each[0];
                JsonNode operation = doc.path("paths").path(template).path(each[1]);
                String method = each[1].toUpperCase(Locale.ROOT);
                String route = method + " " + template;
                Call call = calls.get(route);
                if (call == null) {
                    unprobed.add(route);
                    continue;
                }
                operations++;
                Map<String, String> values = template.startsWith("/api/prompts") ? promptParameters : parameters;
                String target = template;
                for (var v : values.entrySet()) target = target.replace("{" + v.getKey() + "}", v.getValue());
                target += query(route, instance);
                if (template.startsWith("/engine-rest/process-definition/{id}"))
                    target = target.replace(instance, definition);

                HttpRequest.Builder request = HttpRequest.newBuilder(procos.uri(target))
                        .timeout(Duration.ofSeconds(120))
                        .header("Authorization", "Bearer " + procos.token())
                        .method(
                                method,
                                call.body() == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(call.body(), StandardCharsets.UTF_8));
                if (call.contentType() != null) request.header("Content-Type", call.contentType());
                if (template.equals("/mcp")) {
                    request.header(
                            "Accept",
                            method.equals("GET") ? "text/event-stream" : "application/json, text/event-stream");
                    request.header("Mcp-Session-Id", session);
                }
                HttpResponse<InputStream> answer =
                        procos.http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                String type = answer.headers().firstValue("Content-Type").orElse("");
                String body;
                try (InputStream in = answer.body()) {
                    // an event stream stays open: its status and type are the answer
                    body = type.startsWith("text/event-stream")
                            ? ""
                            : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                int status = answer.statusCode();
                JsonNode response = operation.path("responses").path(String.valueOf(status));
                String seen = route + " → " + status + " " + type + " " + abbreviate(body);
                if (response.isMissingNode()) {
                    wrong.add(seen + " (not a status it describes: " + fieldNames(operation.path("responses")) + ")");
                    continue;
                }
                if (status == 404 && unknownRoute(body)) {
                    wrong.add(seen + " (a route nobody serves)");
                    continue;
                }
                if (status < 300) {
                    successes++;
                    JsonNode content = response.path("content");
                    if (content.isObject() && content.size() > 0) {
                        String mediaType = content.fieldNames().next();
                        if (!type.startsWith(mediaType)) wrong.add(seen + " (described as " + mediaType + ")");
                    }
                } else if (!type.startsWith("application/json")) {
                    wrong.add(seen + " (an error that is not JSON)");
                } else {
                    System.out.println("described error: " + seen);
                }
            }
            System.out.printf(
                    "OpenAPI %s: %d paths, %d operations, each called: %d answered with success, the rest with an error"
                            + " it describes%n",
                    check.path("openapi").asText(), check.path("paths").asInt(), operations, successes);
            assertThat(unprobed)
                    .as("operations the description lists that this test does not call")
                    .isEmpty();
            assertThat(wrong).as("answers that differ from the description").isEmpty();
            assertThat(operations).isEqualTo(check.path("operations").asInt());
            // all succeed: the probes are valid requests, not only routes that exist
            assertThat(successes).as("operations that succeeded").isEqualTo(operations);
        }
    }

    /** Every operation's valid request; an operation missing here fails the test. */
    static Map<String, Call> calls(String bpmn, Distribution procos) {
        String json = "application/json";
        Map<String, Call> c = new LinkedHashMap<>();
        c.put("GET /api/health", new Call(null, null));
        c.put("GET /api/openapi.json", new Call(null, null));
        c.put("GET /api/processes", new Call(null, null));
        c.put("POST /api/processes", new Call("application/xml", bpmn.replace(PROBE, PROBE + "-again")));
        c.put("POST /api/processes/validate", new Call("application/xml", bpmn));
        c.put("GET /api/processes/{key}/bpmn", new Call(null, null));
        c.put("POST /api/processes/{key}/start", new Call(json, "{\"ticket\": \"T-1\"}"));
        c.put("GET /api/instances", new Call(null, null));
        c.put("GET /api/instances/{id}", new Call(null, null));
        c.put("GET /api/tools", new Call(null, null));
        c.put("GET /api/tools/{name}", new Call(null, null));
        c.put("POST /api/tools/{name}/invoke", new Call(json, "{\"path\": \".\"}"));
        c.put("POST /api/tde/decide", new Call(json, "{\"task\": {\"name\": \"List the files in the workspace\"}}"));
        c.put(
                "POST /api/tde/corrections",
                new Call(
                        json,
                        "{\"task\": {\"name\": \"Show what is in the archive folder\"}, \"tool\": \"file.list\","
                                + " \"arguments\": {\"path\": \".\"}}"));
        c.put("GET /api/prompts", new Call(null, null));
        c.put("GET /api/prompts/{name}", new Call(null, null));
        c.put("PUT /api/prompts/{name}", new Call("text/plain", promptText(procos)));
        c.put("DELETE /api/prompts/{name}", new Call(null, null));
        c.put("POST /api/memory", new Call(json, "{\"text\": \"the probe's note about openapi\", \"kind\": \"note\"}"));
        c.put("GET /api/memory/search", new Call(null, null));
        c.put("GET /api/memory/graph", new Call(null, null));
        c.put("GET /api/memory/tools", new Call(null, null));
        c.put("GET /api/memory/errors", new Call(null, null));
        c.put("POST /api/das/commands", new Call(json, "{\"text\": \"list the files in the workspace\"}"));
        c.put("POST /api/das/generate", new Call(json, "{\"text\": \"list the files in the workspace\"}"));
        c.put("POST /api/das/ask", new Call("text/plain", "list the files in the workspace"));
        c.put("GET /api/das/suggestions", new Call(null, null));
        c.put("GET /api/events", new Call(null, null));
        c.put("POST /mcp", new Call(json, "{\"jsonrpc\": \"2.0\", \"id\": 2, \"method\": \"tools/list\"}"));
        c.put("GET /mcp", new Call(null, null));
        c.put("DELETE /mcp", new Call(null, null));
        c.put("GET /engine-rest/version", new Call(null, null));
        c.put("GET /engine-rest/deployment", new Call(null, null));
        c.put(
                "POST /engine-rest/deployment/create",
                new Call(
                        "multipart/form-data; boundary=" + CamundaModelerTest.BOUNDARY,
                        CamundaModelerTest.form("probe", "probe.bpmn", bpmn.replace(PROBE, PROBE + "-modeler"))));
        c.put("POST /engine-rest/process-definition/{id}/start", new Call(json, "{}"));
        c.put("POST /engine-rest/process-definition/key/{key}/start", new Call(json, "{}"));
        return c;
    }

    static String query(String route, String instance) {
        return switch (route) {
            case "GET /api/memory/search" -> "?q=files&k=5";
            case "GET /api/memory/graph" -> "?instance=" + instance;
            case "GET /api/memory/tools" -> "?task=list%20the%20files";
            case "GET /api/memory/errors" -> "?tool=file.list";
            case "GET /api/das/suggestions" -> "?processKey=" + PROBE;
            case "GET /api/instances" -> "?state=COMPLETED&max=5";
            case "GET /api/events" -> "?instance=" + instance;
            default -> "";
        };
    }

    static String promptText(Distribution procos) {
        try {
            return procos.json(procos.api("/api/prompts/tde.decide"))
                    .path("text")
                    .asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String mcpSession(Distribution procos) throws Exception {
        HttpResponse<String> init = procos.http.send(
                HttpRequest.newBuilder(procos.uri("/mcp"))
                        .header("Authorization", "Bearer " + procos.token())
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json, text/event-stream")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"initialize\", \"params\":"
                                        + " {\"protocolVersion\": \"2025-06-18\", \"capabilities\": {},"
                                        + " \"clientInfo\": {\"name\": \"openapi-test\", \"version\": \"1\"}}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        return init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    static JsonNode swaggerParser(String document) throws Exception {
        Path file = Path.of("target/openapi.json").toAbsolutePath();
        Files.writeString(file, document);
        String output = Npm.run(
                "openapi-check",
                "@apidevtools/swagger-parser@13.1.0",
                "@apidevtools/swagger-parser",
                "openapi-check.mjs",
                List.of(file.toString()));
        for (String line : output.split("\n")) if (line.startsWith("{")) return Distribution.JSON.readTree(line);
        throw new AssertionError("swagger-parser printed no result: " + output);
    }

    /** The answer of UnknownRouteServlet (or of a servlet to a sub-path it does not serve). */
    static boolean unknownRoute(String body) {
        try {
            return Distribution.JSON.readTree(body).path("error").asText().startsWith("no such resource");
        } catch (Exception notJson) {
            return false;
        }
    }

    static String fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return String.join(", ", names);
    }

    static String abbreviate(String s) {
        String flat = s.replaceAll("\\s+", " ").trim();
        return flat.length() > 200 ? flat.substring(0, 200) + "…" : flat;
    }
}
