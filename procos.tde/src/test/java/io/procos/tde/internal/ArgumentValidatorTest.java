package io.procos.tde.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.procos.api.tool.ToolDescriptor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Decisions against real JSON Schemas: what a tool's contract forbids never reaches the tool. */
class ArgumentValidatorTest {

    private static final ToolDescriptor WRITE = new ToolDescriptor(
            "file.write",
            "writes a file",
            """
            {"type":"object","required":["path","content"],"additionalProperties":false,"properties":{
              "path":{"type":"string"},"content":{"type":"string"},"append":{"type":"boolean"}}}""",
            null,
            "b",
            "1",
            1,
            0);

    private final ArgumentValidator validator = new ArgumentValidator();

    @Test
    void validArgumentsPass() {
        assertThat(validator.problems(WRITE, Map.of("path", "a.txt", "content", "x", "append", true)))
                .isEmpty();
    }

    @Test
    void missingWrongAndUnknownArgumentsAreNamed() {
        List<String> problems = validator.problems(WRITE, Map.of("path", 42, "colour", "red"));
        assertThat(String.join("\n", problems)).contains("content", "path", "colour");
        assertThat(problems).hasSize(3);
    }

    @Test
    void aBrokenSchemaIsReportedNotThrown() {
        ToolDescriptor broken = new ToolDescriptor("bad.tool", "", "{not json", null, "b", "1", 2, 0);
        assertThat(validator.problems(broken, Map.of()))
                .singleElement()
                .asString()
                .contains("not valid JSON Schema");
    }
}
