package io.procos.api.tool;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a tool returns: structured content (a JSON object) and a short text for people, or a tool
 * error ({@code isError}) whose text says what went wrong and what to do.
 */
public record ToolResult(Map<String, Object> content, String text, boolean isError) {

    public ToolResult {
        content = content == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(content));
        text = text == null ? "" : text;
    }

    public static ToolResult ok(Map<String, Object> content, String text) {
        return new ToolResult(content, text, false);
    }

    public static ToolResult error(String message) {
        return new ToolResult(Map.of(), message, true);
    }
}
