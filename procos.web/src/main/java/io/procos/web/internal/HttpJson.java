package io.procos.web.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads requests and writes JSON answers, errors included, the same way for every ProcOS endpoint. */
final class HttpJson {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private HttpJson() {}

    /** A request that cannot be served as sent; becomes an error answer with this status and message. */
    static class RequestException extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final transient List<String> problems;
        /** For each problem the BPMN element it concerns, or null; empty when none is known. */
        final transient List<String> elements;

        RequestException(int status, String message) {
            this(status, message, List.of());
        }

        RequestException(int status, String message, List<String> problems) {
            this(status, message, problems, List.of());
        }

        RequestException(int status, String message, List<String> problems, List<String> elements) {
            super(message);
            this.status = status;
            this.problems = problems;
            this.elements = elements.stream().allMatch(java.util.Objects::isNull) ? List.of() : elements;
        }
    }

    /** A service an endpoint needs, or 503 saying which part of ProcOS is not running (yet). */
    static <T> T available(T service, String what) throws RequestException {
        if (service == null) throw new RequestException(503, what + " is not available yet; see GET /api/health");
        return service;
    }

    /** The value as JSON text on one line. */
    static String json(Object value) {
        try {
            return MAPPER.writer()
                    .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not expressible as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static void write(HttpServletResponse response, int status, Object body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        // not writeValue(stream): it closes the stream, which commits the response before the filter can drop
        // what the client sent and nobody read (see dropUnread)
        response.getOutputStream().write(MAPPER.writeValueAsBytes(body));
    }

    /**
     * Reads and drops what the client sent and nobody read (a body sent to a route that refused it before
     * reading: a 401, 404 or 405), up to {@code limit} bytes, so that the connection is ready for the client's
     * next request. Beyond the limit, or when the body cannot be read, the answer says {@code Connection: close}
     * while it still can: otherwise the server closes a connection the client believes it may use again.
     */
    static void dropUnread(HttpServletRequest request, HttpServletResponse response, long limit) {
        if (request.isAsyncStarted()) return;
        long declared = request.getContentLengthLong();
        boolean all = false;
        if (declared <= limit) {
            try {
                ServletInputStream in = request.getInputStream();
                byte[] buffer = new byte[16384];
                long dropped = 0;
                int n = 0;
                while (dropped <= limit && (n = in.read(buffer)) > 0) dropped += n;
                all = n < 0 || in.isFinished();
            } catch (IOException | IllegalStateException | UnsupportedOperationException unreadable) {
                all = false; // read as text already, or the client is gone
            }
        }
        if (!all && !response.isCommitted()) response.setHeader("Connection", "close");
    }

    static void error(HttpServletResponse response, int status, String message) throws IOException {
        write(response, status, new Dto.Error(message, List.of(), List.of()));
    }

    static void error(HttpServletResponse response, RequestException e) throws IOException {
        write(response, e.status, new Dto.Error(e.getMessage(), e.problems, e.elements));
    }

    /** The request body as text, refusing more than {@code maxBytes} (413) before reading it all. */
    static String body(HttpServletRequest request, int maxBytes) throws IOException, RequestException {
        return new String(bytes(request, maxBytes), StandardCharsets.UTF_8);
    }

    /** The request body, refusing more than {@code maxBytes} (413) before reading it all. */
    static byte[] bytes(HttpServletRequest request, int maxBytes) throws IOException, RequestException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            discard(request.getInputStream());
            throw tooLarge(declared, maxBytes);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (InputStream in = request.getInputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                if (out.size() > maxBytes) {
                    discard(in);
                    throw tooLarge(out.size(), maxBytes);
                }
            }
        }
        return out.toByteArray();
    }

    /**
     * A query parameter, or null. The container decodes the query string on first use and throws when it is not
     * valid percent-encoded UTF-8 (a stray {@code %}, {@code %zz}); that is the client's mistake, so a 400.
     */
    static String parameter(HttpServletRequest request, String name) throws RequestException {
        try {
            return request.getParameter(name);
        } catch (RuntimeException e) {
            throw new RequestException(
                    400,
                    "the query string cannot be read (" + e.getMessage()
                            + "): percent-encode each name and value as UTF-8, like q=caf%C3%A9");
        }
    }

    /** A JSON object body; empty means {}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> objectBody(HttpServletRequest request, int maxBytes)
            throws IOException, RequestException {
        String text = body(request, maxBytes);
        if (text.isBlank()) return new LinkedHashMap<>();
        Object parsed;
        try {
            parsed = MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            // a parser limit (nesting depth, number length) comes without a location
            JsonLocation at = e.getLocation();
            throw new RequestException(
                    400,
                    "the body is not valid JSON: " + e.getOriginalMessage()
                            + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (!(parsed instanceof Map))
            throw new RequestException(400, "the body must be a JSON object, like {\"name\": \"value\"}");
        return (Map<String, Object>) parsed;
    }

    /**
     * A JSON object body as the record it is: a field of the wrong type (text where an object belongs) is a 400
     * saying which, with {@code usage}; fields the record does not have are ignored.
     */
    static <T extends Record> T objectBody(HttpServletRequest request, int maxBytes, Class<T> type, String usage)
            throws IOException, RequestException {
        return bind(objectBody(request, maxBytes), type, usage);
    }

    private static final ObjectMapper BINDER =
            MAPPER.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    static <T extends Record> T bind(Map<String, Object> body, Class<T> type, String usage) throws RequestException {
        try {
            return BINDER.convertValue(body, type);
        } catch (IllegalArgumentException e) {
            String why = e.getCause() instanceof MismatchedInputException m
                    ? "'"
                            + m.getPath().stream()
                                    .map(r -> r.getFieldName() == null ? "[" + r.getIndex() + "]" : r.getFieldName())
                                    .reduce((a, b) -> a + "." + b)
                                    .orElse("the body")
                            + "' must be " + expected(m.getTargetType())
                    : e.getMessage();
            throw new RequestException(400, why + "; " + usage);
        }
    }

    /** A JSON type in words, for an error. */
    private static String expected(Class<?> type) {
        if (type == null) return "of another type";
        if (Map.class.isAssignableFrom(type) || type.isRecord()) return "a JSON object";
        if (Collection.class.isAssignableFrom(type) || type.isArray()) return "a JSON array";
        if (type == String.class) return "text";
        if (type == boolean.class || type == Boolean.class) return "true or false";
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) return "a number";
        return "of another type";
    }

    /** What ProcOS reads and drops of a refused body, so the client gets its 413 instead of a reset connection. */
    private static final long DISCARD_LIMIT = 64L * 1024 * 1024;

    private static void discard(InputStream in) throws IOException {
        byte[] buffer = new byte[65536];
        long dropped = 0;
        for (int n; dropped < DISCARD_LIMIT && (n = in.read(buffer)) > 0; ) dropped += n;
    }

    private static RequestException tooLarge(long size, int max) {
        return new RequestException(
                413, "the request body is too large: " + size + " bytes, at most " + max + " are accepted");
    }
}
