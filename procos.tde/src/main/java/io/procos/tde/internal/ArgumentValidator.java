package io.procos.tde.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.procos.api.tool.ToolDescriptor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a decision's arguments against the chosen tool's input JSON Schema (draft 2020-12) before the
 * tool runs, so no tool ever sees input its own contract forbids, whoever (planner or LLM) made it up.
 */
final class ArgumentValidator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    /** Compiled schemas by their text: tools change rarely, decisions are many. */
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    /** The problems, each naming the place in the arguments; empty when they are valid. */
    List<String> problems(ToolDescriptor tool, Map<String, Object> arguments) {
        JsonSchema schema;
        try {
            schema = schemas.computeIfAbsent(tool.inputSchema(), text -> {
                try {
                    return factory.getSchema(JSON.readTree(text));
                } catch (Exception e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            });
        } catch (IllegalArgumentException e) {
            return List.of("the input schema of " + tool.name() + " is not valid JSON Schema: " + e.getMessage());
        }
        if (schemas.size() > 1000) schemas.clear();
        JsonNode instance = JSON.valueToTree(arguments);
        return schema.validate(instance).stream()
                .map(ValidationMessage::getMessage)
                .sorted()
                .toList();
    }
}
