package io.procos.web.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.procos.api.process.Deployment;
import io.procos.api.process.InvalidProcessException;
import io.procos.api.process.ProcessInfo;
import io.procos.api.process.ProcessService;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The part of Camunda 7's REST API that Camunda Modeler uses to deploy and start a diagram, so a user points the
 * Modeler's "Deploy" at {@code http://127.0.0.1:8080/engine-rest} with the API token as bearer token:
 *
 * <ul>
 *   <li>{@code GET /engine-rest/version} and {@code GET /engine-rest/deployment?maxResults=0}: the Modeler's
 *       connection check;
 *   <li>{@code POST /engine-rest/deployment/create}: multipart with {@code deployment-name},
 *       {@code deployment-source}, {@code enable-duplicate-filtering} or {@code deploy-changed-only}, and the BPMN
 *       file; it goes through the same validation and deployment policy as {@code POST /api/processes};
 *   <li>{@code POST /engine-rest/process-definition/{id}/start} and {@code …/key/{key}/start}: Camunda's typed
 *       variables become ProcOS's plain values.
 * </ul>
 *
 * <p>Answers and errors have Camunda's shapes (an error is {@code {"type", "message"}}; a refused diagram's message
 * starts with the engine's parse code, which the Modeler shows as a diagram problem). Nothing else of Camunda's REST
 * API is served: any other route is a 404 naming these.
 */
@ApiOperation(
        method = "GET",
        path = "/engine-rest/version",
        tag = "camunda",
        summary = "the Camunda REST API version ProcOS answers as",
        error = Dto.CamundaError.class)
@ApiOperation(
        method = "GET",
        path = "/engine-rest/deployment",
        tag = "camunda",
        summary = "deployments (Camunda Modeler's connection check)",
        query = {"firstResult:integer:skip this many", "maxResults:integer:at most this many"},
        errors = {400, 503},
        error = Dto.CamundaError.class)
@ApiOperation(
        method = "POST",
        path = "/engine-rest/deployment/create",
        tag = "camunda",
        summary =
                "deploy as Camunda Modeler does (multipart: deployment-name, deployment-source, one .bpmn file), through the same checks as POST /api/processes",
        requestType = "multipart/form-data",
        maxBytes = Limits.DEPLOYMENT_FORM_BYTES,
        errors = {400, 503},
        error = Dto.CamundaError.class)
@ApiOperation(
        method = "POST",
        path = "/engine-rest/process-definition/{id}/start",
        tag = "camunda",
        summary = "start the latest version of a process definition",
        requestType = "application/json",
        maxBytes = Limits.JSON_BYTES,
        errors = {400, 404, 503},
        error = Dto.CamundaError.class)
@ApiOperation(
        method = "POST",
        path = "/engine-rest/process-definition/key/{key}/start",
        tag = "camunda",
        summary = "start the latest version of the process with this key",
        requestType = "application/json",
        maxBytes = Limits.JSON_BYTES,
        errors = {400, 404, 503},
        error = Dto.CamundaError.class)
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/engine-rest/*",
            "osgi.http.whiteboard.servlet.name=procos-engine-rest"
        })
public final class EngineRestServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;
    /** The Camunda 7 REST API level these routes follow. */
    static final String API_VERSION = "7.24.0";
    /** The BPMN file and a few form fields. */
    static final String PARSE_ERROR = "ENGINE-09005 Could not parse BPMN process.";

    private static final String ROUTES = "ProcOS serves GET /engine-rest/version, GET /engine-rest/deployment, "
            + "POST /engine-rest/deployment/create, POST /engine-rest/process-definition/{id}/start and "
            + "POST /engine-rest/process-definition/key/{key}/start";

    /** Not used: required so that this route exists only while the token filter guards it. */
    @Reference
    private transient ApiTokenFilter guard;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ProcessService processes;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answer(response, () -> switch (ProcessesServlet.path(request)) {
            case "version" -> Map.of("version", API_VERSION);
            case "deployment" -> deployments(request);
            default -> throw notFound(request);
        });
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answer(response, () -> {
            String path = ProcessesServlet.path(request);
            if (path.equals("deployment/create")) return create(request);
            if (path.startsWith("process-definition/") && path.endsWith("/start")) return start(request, path);
            throw notFound(request);
        });
    }

    /** What a route answers (200), or its error in Camunda's shape. */
    private interface Route {
        Object answer() throws IOException, HttpJson.RequestException;
    }

    private static void answer(HttpServletResponse response, Route route) throws IOException {
        try {
            HttpJson.write(response, 200, route.answer());
        } catch (CamundaError e) {
            e.write(response);
        } catch (HttpJson.RequestException e) {
            new CamundaError(e.status, "InvalidRequestException", e.getMessage()).write(response);
        }
    }

    private static CamundaError notFound(HttpServletRequest request) {
        return new CamundaError(
                404,
                "InvalidRequestException",
                "no such resource: " + request.getMethod() + " " + request.getRequestURI() + "; " + ROUTES);
    }

    private List<Map<String, Object>> deployments(HttpServletRequest request) throws HttpJson.RequestException {
        int first = intParameter(request, "firstResult", 0);
        int max = intParameter(request, "maxResults", Integer.MAX_VALUE);
        Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        for (ProcessInfo p : service().processes()) {
            byId.computeIfAbsent(p.deploymentId(), id -> {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("links", List.of());
                d.put("id", id);
                d.put("name", p.key());
                d.put("source", null);
                d.put("deploymentTime", null);
                d.put("tenantId", null);
                return d;
            });
        }
        return byId.values().stream().skip(first).limit(max).toList();
    }

    private Map<String, Object> create(HttpServletRequest request) throws IOException, HttpJson.RequestException {
        String boundary = Multipart.boundary(request.getContentType());
        List<Multipart.Part> parts = Multipart.parse(HttpJson.bytes(request, Limits.DEPLOYMENT_FORM_BYTES), boundary);
        Map<String, String> fields = new LinkedHashMap<>();
        List<Multipart.Part> files = new ArrayList<>();
        for (Multipart.Part part : parts) {
            if (part.isFile()) files.add(part);
            else fields.put(part.name(), part.text());
        }
        if (fields.containsKey("tenant-id") && !fields.get("tenant-id").isBlank())
            throw new CamundaError(
                    400, "InvalidRequestException", "ProcOS has no tenants: send the deployment without tenant-id");
        List<Multipart.Part> bpmn =
                files.stream().filter(f -> isBpmn(f.fileName())).toList();
        List<String> others = files.stream()
                .filter(f -> !isBpmn(f.fileName()))
                .map(Multipart.Part::fileName)
                .toList();
        if (!others.isEmpty())
            throw new CamundaError(
                    400,
                    "InvalidRequestException",
                    "ProcOS deploys BPMN diagrams only (.bpmn), not " + String.join(", ", others)
                            + "; nothing was deployed");
        if (bpmn.size() != 1)
            throw new CamundaError(
                    400,
                    "InvalidRequestException",
                    bpmn.isEmpty()
                            ? "the form has no BPMN file: add the diagram as a file part named like it (order.bpmn)"
                            : "the form has " + bpmn.size() + " BPMN files; deploy one diagram at a time");
        Multipart.Part diagram = bpmn.get(0);
        if (diagram.content().length == 0)
            throw new CamundaError(
                    400, "InvalidRequestException", diagram.fileName() + " is empty; nothing was deployed");
        Deployment deployment;
        try {
            deployment = service().deploy(diagram.fileName(), diagram.text());
        } catch (InvalidProcessException e) {
            String problems = e.problems().isEmpty() ? e.getMessage() : String.join("; ", e.problems());
            throw new CamundaError(
                    400, "ParseException", PARSE_ERROR + " " + problems + ". Nothing was deployed.", e.problems());
        }
        Map<String, Object> definitions = new LinkedHashMap<>();
        for (ProcessInfo p : deployment.processes())
            definitions.put(p.definitionId(), definition(p, diagram.fileName()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(
                "links",
                List.of(Map.of(
                        "method", "GET", "href", base(request) + "/deployment/" + deployment.id(), "rel", "self")));
        body.put("id", deployment.id());
        body.put("name", fields.getOrDefault("deployment-name", diagram.fileName()));
        body.put("source", fields.get("deployment-source"));
        body.put(
                "deploymentTime",
                OffsetDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ")));
        body.put("tenantId", null);
        body.put("deployedProcessDefinitions", definitions);
        body.put("deployedCaseDefinitions", null);
        body.put("deployedDecisionDefinitions", null);
        body.put("deployedDecisionRequirementsDefinitions", null);
        return body;
    }

    private static Map<String, Object> definition(ProcessInfo p, String resource) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", p.definitionId());
        d.put("key", p.key());
        d.put("category", null);
        d.put("description", null);
        d.put("name", p.name());
        d.put("version", p.version());
        d.put("resource", resource);
        d.put("deploymentId", p.deploymentId());
        d.put("diagram", null);
        d.put("suspended", false);
        d.put("tenantId", null);
        d.put("versionTag", null);
        d.put("historyTimeToLive", null);
        d.put("startableInTasklist", true);
        return d;
    }

    private Map<String, Object> start(HttpServletRequest request, String path)
            throws IOException, HttpJson.RequestException {
        String ref = path.substring("process-definition/".length(), path.length() - "/start".length());
        List<ProcessInfo> deployed = service().processes();
        Optional<ProcessInfo> process;
        if (ref.startsWith("key/") && ref.indexOf('/', 4) < 0) {
            String key = ref.substring(4);
            process = deployed.stream().filter(p -> p.key().equals(key)).findFirst();
            if (process.isEmpty())
                throw new CamundaError(404, "RestException", "no process with key '" + key + "' is deployed");
        } else if (!ref.isEmpty() && ref.indexOf('/') < 0) {
            process =
                    deployed.stream().filter(p -> p.definitionId().equals(ref)).findFirst();
            if (process.isEmpty()) {
                String key = ref.contains(":") ? ref.substring(0, ref.indexOf(':')) : null;
                boolean older =
                        key != null && deployed.stream().anyMatch(p -> p.key().equals(key));
                throw new CamundaError(
                        older ? 400 : 404,
                        older ? "InvalidRequestException" : "RestException",
                        older
                                ? ref + " is not the latest version of '" + key
                                        + "'; ProcOS starts the latest version (POST /engine-rest/process-definition/key/"
                                        + key + "/start)"
                                : "no process definition with id '" + ref + "' is deployed");
            }
        } else {
            throw notFound(request);
        }
        Map<String, Object> body = HttpJson.objectBody(request, Limits.JSON_BYTES);
        Map<String, Object> variables = plainValues(body.get("variables"));
        Object businessKey = body.get("businessKey");
        if (businessKey != null) variables.putIfAbsent("businessKey", businessKey.toString());
        String id;
        try {
            id = service().start(process.get().key(), variables);
        } catch (IllegalArgumentException e) {
            throw new CamundaError(400, "InvalidRequestException", e.getMessage() + "; nothing was started");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put(
                "links",
                List.of(Map.of("method", "GET", "href", base(request) + "/process-instance/" + id, "rel", "self")));
        answer.put("id", id);
        answer.put("definitionId", process.get().definitionId());
        answer.put("businessKey", businessKey);
        answer.put("caseInstanceId", null);
        answer.put("ended", false);
        answer.put("suspended", false);
        answer.put("tenantId", null);
        return answer;
    }

    /** Camunda's {@code {"name": {"value": …, "type": "Integer"}}} as ProcOS's {@code {"name": …}}. */
    static Map<String, Object> plainValues(Object variables) throws CamundaError {
        Map<String, Object> plain = new LinkedHashMap<>();
        if (variables == null) return plain;
        if (!(variables instanceof Map<?, ?> map))
            throw new CamundaError(
                    400, "InvalidRequestException", "variables must be an object of {\"value\", \"type\"}");
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = String.valueOf(e.getKey());
            if (!(e.getValue() instanceof Map<?, ?> typed) || !typed.containsKey("value"))
                throw new CamundaError(
                        400,
                        "InvalidRequestException",
                        "variable '" + name + "' must be {\"value\": …, \"type\": …}, as Camunda's REST API takes it");
            Object value = typed.get("value");
            String type = typed.get("type") == null
                    ? ""
                    : typed.get("type").toString().toLowerCase(Locale.ROOT);
            switch (type) {
                case "", "string", "integer", "long", "short", "double", "boolean", "null", "date" -> plain.put(
                        name, value);
                case "json", "object" -> {
                    if (!(value instanceof String text)) {
                        plain.put(name, value);
                        break;
                    }
                    try {
                        plain.put(name, HttpJson.MAPPER.readValue(text, Object.class));
                    } catch (JsonProcessingException bad) {
                        throw new CamundaError(
                                400,
                                "InvalidRequestException",
                                "variable '" + name + "' of type " + typed.get("type") + " is not JSON: "
                                        + bad.getOriginalMessage());
                    }
                }
                default -> throw new CamundaError(
                        400,
                        "InvalidRequestException",
                        "variable '" + name + "' has type " + typed.get("type")
                                + "; ProcOS takes String, Integer, Long, Short, Double, Boolean, Date, Null, Json and "
                                + "Object (as JSON)");
            }
        }
        return plain;
    }

    private static boolean isBpmn(String fileName) {
        String f = fileName.toLowerCase(Locale.ROOT);
        return f.endsWith(".bpmn") || f.endsWith(".bpmn20.xml");
    }

    private static int intParameter(HttpServletRequest request, String name, int otherwise)
            throws HttpJson.RequestException {
        String value = HttpJson.parameter(request, name);
        if (value == null) return otherwise;
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new HttpJson.RequestException(400, name + " must be a whole number ≥ 0, not '" + value + "'");
        }
    }

    private static String base(HttpServletRequest request) {
        return request.getContextPath() + "/engine-rest";
    }

    private ProcessService service() throws HttpJson.RequestException {
        return HttpJson.available(processes, "the process engine");
    }

    /** An error in Camunda's REST shape: {@code {"type", "message"}}, with ProcOS's problem list beside. */
    static final class CamundaError extends HttpJson.RequestException {
        private static final long serialVersionUID = 1L;
        final String type;

        CamundaError(int status, String type, String message) {
            this(status, type, message, List.of());
        }

        CamundaError(int status, String type, String message, List<String> problems) {
            super(status, message, problems);
            this.type = type;
        }

        void write(HttpServletResponse response) throws IOException {
            HttpJson.write(response, status, new Dto.CamundaError(type, getMessage(), problems));
        }
    }
}
