package io.procos.llm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import io.procos.api.tool.ToolDescriptor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * ProcOS tools as LangChain4j tool specifications. Tool names may hold dots, which OpenAI-style APIs
 * refuse, so each tool gets a wire name ({@code file.read} → {@code file_read}) and answers are mapped back.
 */
final class ToolSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolSchemas() {}

    /** {@code ^[a-zA-Z0-9_-]{1,64}$}, unique among {@code taken}. */
    static String wireName(String name, Map<String, String> taken) {
        String base = name.replaceAll("[^A-Za-z0-9_-]", "_");
        if (base.length() > 60) base = base.substring(0, 60);
        String wire = base;
        for (int i = 2; taken.containsKey(wire); i++) wire = base + "_" + i;
        return wire;
    }

    static ToolSpecification specification(String wireName, ToolDescriptor tool) {
        JsonObjectSchema parameters;
        try {
            JsonSchemaElement element = element(JSON.readTree(tool.inputSchema()));
            parameters = element instanceof JsonObjectSchema o
                    ? o
                    : JsonObjectSchema.builder().build();
        } catch (IOException | RuntimeException e) {
            parameters = JsonObjectSchema.builder().build(); // the validator reports the broken schema at execution
        }
        return ToolSpecification.builder()
                .name(wireName)
                .description(tool.description())
                .parameters(parameters)
                .build();
    }

    static JsonSchemaElement element(JsonNode schema) {
        String description =
                schema.hasNonNull("description") ? schema.get("description").asText() : null;
        if (schema.has("enum")) {
            List<String> values = new ArrayList<>();
            schema.get("enum").forEach(v -> values.add(v.asText()));
            return JsonEnumSchema.builder()
                    .description(description)
                    .enumValues(values)
                    .build();
        }
        JsonNode typeNode = schema.path("type");
        String type = typeNode.isArray() ? firstNonNull(typeNode) : typeNode.asText("");
        switch (type) {
            case "string":
                return JsonStringSchema.builder().description(description).build();
            case "integer":
                return JsonIntegerSchema.builder().description(description).build();
            case "number":
                return JsonNumberSchema.builder().description(description).build();
            case "boolean":
                return JsonBooleanSchema.builder().description(description).build();
            case "array":
                return JsonArraySchema.builder()
                        .description(description)
                        .items(
                                schema.has("items")
                                        ? element(schema.get("items"))
                                        : JsonStringSchema.builder().build())
                        .build();
            default: {
                JsonObjectSchema.Builder object = JsonObjectSchema.builder().description(description);
                for (Iterator<Map.Entry<String, JsonNode>> it =
                                schema.path("properties").fields();
                        it.hasNext(); ) {
                    Map.Entry<String, JsonNode> p = it.next();
                    object.addProperty(p.getKey(), element(p.getValue()));
                }
                List<String> required = new ArrayList<>();
                schema.path("required").forEach(r -> required.add(r.asText()));
                if (!required.isEmpty()) object.required(required);
                return object.build();
            }
        }
    }

    private static String firstNonNull(JsonNode types) {
        for (JsonNode t : types) if (!"null".equals(t.asText())) return t.asText();
        return "string";
    }
}
