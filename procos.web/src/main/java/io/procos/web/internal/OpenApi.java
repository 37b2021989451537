package io.procos.web.internal;

import static io.procos.web.internal.Schemas.map;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.0 description of ProcOS's HTTP interface, built from the {@link ApiOperation}s written on the
 * servlets that serve them: every path, its parameters, its body with its media type, schema and size limit
 * ({@link Limits}), its success and the errors it answers, all in the one error envelope.
 */
final class OpenApi {

    static final String VERSION = "3.0.3";
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)}");

    private OpenApi() {}

    /** The operations written on these classes (a class without any adds none). */
    static List<ApiOperation> operations(Collection<Class<?>> servlets) {
        List<ApiOperation> all = new ArrayList<>();
        for (Class<?> c : servlets) all.addAll(List.of(c.getAnnotationsByType(ApiOperation.class)));
        all.sort(Comparator.comparing(ApiOperation::path).thenComparing(ApiOperation::method));
        return all;
    }

    /** The document, as a JSON tree of maps and lists. */
    static Map<String, Object> document(Collection<Class<?>> servlets, String version) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", VERSION);
        doc.put(
                "info",
                map(
                        "title",
                        "ProcOS",
                        "version",
                        version,
                        "description",
                        "Processes in BPMN, run on an embedded Camunda 7 engine, each task decided by a"
                                + " planner and done by a tool. Every route needs the API token (conf/api-token) as a"
                                + " bearer token. A body beyond its limit is a 413; every error is JSON."));
        doc.put("servers", List.of(map("url", "/")));
        doc.put("security", List.of(map("bearer", List.of())));

        Map<String, Object> paths = new TreeMap<>();
        Map<String, Integer> operationIds = new LinkedHashMap<>();
        Schemas schemas = new Schemas();
        for (ApiOperation op : operations(servlets)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> item =
                    (Map<String, Object>) paths.computeIfAbsent(op.path(), p -> new LinkedHashMap<>());
            String method = op.method().toLowerCase(Locale.ROOT);
            if (item.containsKey(method))
                throw new IllegalStateException(op.method() + " " + op.path() + " is described twice");
            item.put(method, operation(op, operationIds, schemas));
        }
        doc.put("paths", paths);

        Map<String, Object> components = new LinkedHashMap<>();
        components.put(
                "securitySchemes",
                map("bearer", map("type", "http", "scheme", "bearer", "description", "the content of conf/api-token")));
        components.put("schemas", schemas.named());
        doc.put("components", components);
        return doc;
    }

    private static Map<String, Object> operation(ApiOperation op, Map<String, Integer> operationIds, Schemas schemas) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("tags", List.of(op.tag()));
        o.put("summary", op.summary());
        String id = operationId(op);
        int seen = operationIds.merge(id, 1, Integer::sum);
        o.put("operationId", seen == 1 ? id : id + seen);

        List<Object> parameters = new ArrayList<>();
        Matcher m = PATH_PARAMETER.matcher(op.path());
        while (m.find())
            parameters.add(map("name", m.group(1), "in", "path", "required", true, "schema", map("type", "string")));
        for (String q : op.query()) {
            String[] parts = q.split(":", 3);
            if (parts.length != 3) throw new IllegalArgumentException("query '" + q + "' is not name:type:description");
            parameters.add(map(
                    "name",
                    parts[0],
                    "in",
                    "query",
                    "required",
                    false,
                    "description",
                    parts[2],
                    "schema",
                    map("type", parts[1])));
        }
        if (!parameters.isEmpty()) o.put("parameters", parameters);

        if (!op.requestType().isEmpty()) {
            Map<String, Object> content = new LinkedHashMap<>();
            for (String type : op.requestType().split(","))
                content.put(type.trim(), map("schema", schema(schemas, op.request(), type.trim())));
            o.put(
                    "requestBody",
                    map(
                            "required",
                            true,
                            "description",
                            "at most " + op.maxBytes() + " bytes (" + human(op.maxBytes()) + ")",
                            "content",
                            content));
            o.put("x-procos-max-bytes", op.maxBytes());
        }

        Map<String, Object> responses = new TreeMap<>();
        Map<String, Object> success = new LinkedHashMap<>();
        success.put("description", reason(op.status()));
        if (!op.responseType().isEmpty())
            success.put(
                    "content",
                    map(op.responseType(), map("schema", schema(schemas, op.response(), op.responseType()))));
        responses.put(String.valueOf(op.status()), success);
        TreeSet<Integer> errors = new TreeSet<>();
        errors.add(401);
        if (!op.requestType().isEmpty()) errors.add(413);
        for (int e : op.errors()) errors.add(e);
        for (int e : errors)
            responses.put(
                    String.valueOf(e),
                    map(
                            "description",
                            reason(e),
                            "content",
                            map("application/json", map("schema", schemas.of(op.error())))));
        o.put("responses", responses);
        return o;
    }

    /** {@code POST /api/processes/{key}/start} → {@code postApiProcessesKeyStart}. */
    static String operationId(ApiOperation op) {
        StringBuilder id = new StringBuilder(op.method().toLowerCase(Locale.ROOT));
        for (String segment : op.path().split("[/{}.\\-]+")) {
            if (segment.isEmpty()) continue;
            id.append(Character.toUpperCase(segment.charAt(0))).append(segment.substring(1));
        }
        return id.toString();
    }

    /** A body's schema: its type's (for JSON), or any value of its media type. */
    private static Object schema(Schemas schemas, Class<?> type, String mediaType) {
        boolean json = mediaType.startsWith("application/json");
        if (!Schemas.none(type) && json) return schemas.of(type);
        if (json) return map("type", "object", "additionalProperties", true);
        if (mediaType.startsWith("multipart/")) return map("type", "object");
        return map("type", "string"); // text, XML, an event stream: the words, the BPMN, the events
    }

    private static String human(int bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes / 1024 + " KiB";
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 400 -> "the request was wrong; the error says how";
            case 401 -> "no API token, or a wrong one";
            case 403 -> "refused";
            case 404 -> "no such resource";
            case 406 -> "the Accept header asks for what is not served";
            case 409 -> "in conflict with what is there";
            case 413 -> "the body is larger than the route accepts";
            case 422 -> "understood, but it cannot be done";
            case 429 -> "too many at once";
            case 503 -> "a part ProcOS needs for it is not available (yet); GET /api/health says which";
            default -> "HTTP " + status;
        };
    }
}
