package io.procos.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The OpenAPI description against the servlets as bnd registers them (their DS descriptors): every API
 * servlet describes what it serves, nothing is described that its servlet's patterns do not reach, and every
 * body has its limit.
 */
class OpenApiTest {

    /** Servlet class → its whiteboard patterns, read from the component descriptors bnd wrote. */
    static final Map<Class<?>, List<String>> SERVLETS = new LinkedHashMap<>();

    @BeforeAll
    static void readDescriptors() throws Exception {
        Path dir = Path.of("target/classes/OSGI-INF");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".xml")).sorted().toList()) {
                var doc = DocumentBuilderFactory.newInstance()
                        .newDocumentBuilder()
                        .parse(f.toFile());
                String impl =
                        ((Element) doc.getElementsByTagName("implementation").item(0)).getAttribute("class");
                List<String> patterns = new ArrayList<>();
                NodeList props = doc.getElementsByTagName("property");
                for (int i = 0; i < props.getLength(); i++) {
                    Element p = (Element) props.item(i);
                    if (!p.getAttribute("name").equals("osgi.http.whiteboard.servlet.pattern")) continue;
                    String value = p.hasAttribute("value") ? p.getAttribute("value") : p.getTextContent();
                    for (String v : value.split("\n")) if (!v.isBlank()) patterns.add(v.trim());
                }
                if (!patterns.isEmpty()) SERVLETS.put(Class.forName(impl), patterns);
            }
        }
        assertThat(SERVLETS).as("servlet descriptors in " + dir).hasSizeGreaterThan(10);
    }

    static boolean api(String pattern) {
        return pattern.equals("/api")
                || pattern.startsWith("/api/")
                || pattern.startsWith("/engine-rest")
                || pattern.equals("/mcp");
    }

    static boolean reaches(String pattern, String path) {
        if (pattern.endsWith("/*")) return path.startsWith(pattern.substring(0, pattern.length() - 1));
        return path.equals(pattern);
    }

    @Test
    void everyApiServletDescribesEachOfItsPatterns() {
        for (var e : SERVLETS.entrySet()) {
            if (e.getKey() == UnknownRouteServlet.class) continue; // what no route serves: a JSON 404
            List<ApiOperation> ops = OpenApi.operations(List.of(e.getKey()));
            for (String pattern : e.getValue()) {
                if (!api(pattern)) continue;
                // "/api/processes" and "/api/processes/*": each reaches at least one described path
                assertThat(ops)
                        .as(e.getKey().getSimpleName() + " serves " + pattern + " but describes nothing there")
                        .anyMatch(op -> reaches(pattern, op.path()));
            }
        }
    }

    @Test
    void nothingIsDescribedThatItsServletDoesNotReach() {
        for (var e : SERVLETS.entrySet()) {
            for (ApiOperation op : OpenApi.operations(List.of(e.getKey()))) {
                assertThat(e.getValue())
                        .as(op.method() + " " + op.path() + " on " + e.getKey().getSimpleName())
                        .anyMatch(pattern -> reaches(pattern, op.path()));
                // and nowhere else: the longest matching pattern of all servlets is this servlet's
                String best = "";
                Class<?> owner = null;
                for (var other : SERVLETS.entrySet())
                    for (String pattern : other.getValue())
                        if (reaches(pattern, op.path()) && pattern.length() > best.length()) {
                            best = pattern;
                            owner = other.getKey();
                        }
                assertThat(owner)
                        .as(op.method() + " " + op.path() + " is served by")
                        .isEqualTo(e.getKey());
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDocumentHasEveryOperationOnceWithItsLimitsAndErrors() {
        Map<String, Object> doc = OpenApi.document(SERVLETS.keySet(), "1.0.0");
        assertThat(doc.get("openapi")).isEqualTo("3.0.3");
        Map<String, Map<String, Map<String, Object>>> paths =
                (Map<String, Map<String, Map<String, Object>>>) doc.get("paths");
        List<ApiOperation> ops = OpenApi.operations(SERVLETS.keySet());
        assertThat(ops).hasSizeGreaterThan(25);
        Set<Object> ids = new HashSet<>();
        for (ApiOperation op : ops) {
            Map<String, Object> o = paths.get(op.path()).get(op.method().toLowerCase());
            assertThat(o).as(op.method() + " " + op.path()).isNotNull();
            assertThat(ids.add(o.get("operationId")))
                    .as("operationId " + o.get("operationId"))
                    .isTrue();
            Map<String, Object> responses = (Map<String, Object>) o.get("responses");
            assertThat(responses).containsKeys(String.valueOf(op.status()), "401");
            if (!op.requestType().isEmpty()) {
                assertThat(op.maxBytes())
                        .as(op.method() + " " + op.path() + " body limit")
                        .isPositive();
                assertThat(responses).containsKey("413");
                assertThat(o.get("x-procos-max-bytes")).isEqualTo(op.maxBytes());
            } else {
                assertThat(op.maxBytes()).as(op.method() + " " + op.path()).isZero();
            }
        }
        // the bodies' schemas come from the records the servlets bind and write
        Map<String, Map<String, Object>> schemas =
                (Map<String, Map<String, Object>>) ((Map<String, Object>) doc.get("components")).get("schemas");
        assertThat(schemas)
                .containsKeys(
                        "Error",
                        "CamundaError",
                        "DecideRequest",
                        "TaskWords",
                        "Decided",
                        "Started",
                        "ProcessInfo",
                        "Suggestion",
                        "CommandStarted",
                        "MemoryItemRequest");
        assertThat((Map<String, Object>) schemas.get("DecideRequest").get("properties"))
                .containsOnlyKeys("task", "variables", "toolPolicy");
        assertThat((List<String>) schemas.get("DecideRequest").get("required")).containsExactly("task");
        assertThat(schemas.get("ProcessInfo").get("properties").toString()).contains("version={type=integer");

        // the limits as the README says them
        assertThat(paths.get("/api/processes").get("post").get("x-procos-max-bytes"))
                .isEqualTo(10 * 1024 * 1024);
        assertThat(paths.get("/api/das/commands").get("post").get("x-procos-max-bytes"))
                .isEqualTo(64 * 1024);
        assertThat(paths.get("/api/memory").get("post").get("x-procos-max-bytes"))
                .isEqualTo(256 * 1024);
    }

    @Test
    void aBodyThatIsNoRecordIsRefused() {
        @ApiOperation(method = "GET", path = "/api/x", tag = "t", summary = "s", response = Thread.class)
        class Broken {}
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpenApi.document(List.of(Broken.class), "1"))
                .hasMessageContaining("java.lang.Thread");
    }
}
