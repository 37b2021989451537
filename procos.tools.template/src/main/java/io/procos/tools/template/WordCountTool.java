package io.procos.tools.template;

import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolContext;
import io.procos.api.tool.ToolResult;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Counts the words, lines and characters of a text. A template: a tool is one class, registered as a
 * {@link Tool} service by {@code @Component}; ProcOS finds it by name, description and input schema.
 */
@Component(service = Tool.class)
public final class WordCountTool implements Tool {

    @Override
    public String name() {
        return "text.wordcount";
    }

    @Override
    public String description() {
        return "Counts the words, lines and characters of a text. Use it when a task asks how many words, lines or characters "
                + "a text has, or whether it is short enough.";
    }

    @Override
    public String inputSchema() {
        return """
            {"type":"object","required":["text"],"additionalProperties":false,
             "properties":{"text":{"type":"string","description":"the text to count"}}}""";
    }

    @Override
    public String outputSchema() {
        return """
            {"type":"object","properties":{"words":{"type":"integer"},"lines":{"type":"integer"},"characters":{"type":"integer"}}}""";
    }

    @Override
    public ToolResult invoke(Map<String, Object> input, ToolContext context) {
        Object text = input.get("text");
        if (!(text instanceof String s)) {
            return ToolResult.error("'text' is required and must be a string");
        }
        String trimmed = s.strip();
        int words = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        int lines = s.isEmpty() ? 0 : (int) s.lines().count();
        return ToolResult.ok(
                Map.of("words", words, "lines", lines, "characters", s.length()),
                words + " words, " + lines + " lines, " + s.length() + " characters");
    }
}
