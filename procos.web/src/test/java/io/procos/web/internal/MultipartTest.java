package io.procos.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultipartTest {

    private static final String BOUNDARY = "----WebKitFormBoundaryq7d4Ls9Jw2XbA1Ez";

    @Test
    void aBrowsersFormGivesItsFieldsAndFileInOrder() throws Exception {
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"deployment-name\"\r\n\r\norder\r\n"
                + "--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"order.bpmn\"; filename=\"order.bpmn\"\r\n"
                + "Content-Type: text/xml\r\n\r\n<definitions>\r\n--not the boundary\r\n</definitions>\r\n"
                + "--" + BOUNDARY + "--\r\n";

        List<Multipart.Part> parts = Multipart.parse(
                body.getBytes(StandardCharsets.UTF_8), Multipart.boundary("multipart/form-data; boundary=" + BOUNDARY));

        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).name()).isEqualTo("deployment-name");
        assertThat(parts.get(0).isFile()).isFalse();
        assertThat(parts.get(0).text()).isEqualTo("order");
        assertThat(parts.get(1).fileName()).isEqualTo("order.bpmn");
        assertThat(parts.get(1).contentType()).isEqualTo("text/xml");
        assertThat(parts.get(1).text()).isEqualTo("<definitions>\r\n--not the boundary\r\n</definitions>");
    }

    @Test
    void aQuotedBoundaryIsRead() throws Exception {
        assertThat(Multipart.boundary("multipart/form-data; charset=utf-8; boundary=\"a b\""))
                .isEqualTo("a b");
    }

    @Test
    void whatIsNoFormIsRefusedWithWhatWasWrong() {
        assertThatThrownBy(() -> Multipart.boundary("application/xml"))
                .hasMessageContaining("must be multipart/form-data");
        assertThatThrownBy(() -> Multipart.boundary("multipart/form-data")).hasMessageContaining("no boundary");
        assertThatThrownBy(() -> Multipart.parse("no parts here".getBytes(StandardCharsets.UTF_8), BOUNDARY))
                .hasMessageContaining("never occurs");
        String unclosed = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue";
        assertThatThrownBy(() -> Multipart.parse(unclosed.getBytes(StandardCharsets.UTF_8), BOUNDARY))
                .hasMessageContaining("not closed");
        String noName = "--" + BOUNDARY + "\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--" + BOUNDARY + "--";
        assertThatThrownBy(() -> Multipart.parse(noName.getBytes(StandardCharsets.UTF_8), BOUNDARY))
                .hasMessageContaining("no name");
    }

    @Test
    void camundasTypedVariablesBecomePlainValues() throws Exception {
        Map<String, Object> plain = EngineRestServlet.plainValues(Map.of(
                "customer", Map.of("value", "ACME", "type", "String"),
                "quantity", Map.of("value", 3, "type", "Integer"),
                "order", Map.of("value", "{\"id\": 7}", "type", "Json")));

        assertThat(plain).containsEntry("customer", "ACME").containsEntry("quantity", 3);
        assertThat(plain.get("order")).isEqualTo(Map.of("id", 7));
        assertThatThrownBy(() -> EngineRestServlet.plainValues(Map.of("f", Map.of("value", "AAAA", "type", "File"))))
                .hasMessageContaining("has type File");
        assertThatThrownBy(() -> EngineRestServlet.plainValues(Map.of("x", 5)))
                .hasMessageContaining("must be {\"value\"");
    }
}
