package io.procos.tools.memory.internal;

import io.procos.api.memory.Hit;
import io.procos.api.memory.Memory;
import io.procos.api.memory.MemoryItem;
import io.procos.api.memory.Recall;
import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolContext;
import io.procos.api.tool.ToolReach;
import io.procos.api.tool.ToolResult;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Memory as tools, so that a task in words ("save this to memory", "look up what we know about …") can use it.
 * Each tool is a {@link Tool} component over the {@link Memory} service.
 */
final class MemoryTools {

    private MemoryTools() {}

    @Component(service = Tool.class, property = ToolReach.PROPERTY + "=" + ToolReach.MEMORY)
    public static final class Save implements Tool {
        private final Memory memory;

        @Activate
        public Save(@Reference Memory memory) {
            this.memory = memory;
        }

        @Override
        public String name() {
            return "memory.save";
        }

        @Override
        public String description() {
            return "Saves a text to ProcOS memory (graph and vector store), so that it can be found later by its meaning. "
                    + "Use it to remember, note, record or keep a fact, a note or a piece of information for later.";
        }

        @Override
        public String inputSchema() {
            return """
                    {"type":"object","required":["text"],"additionalProperties":false,"properties":{
                      "text":{"type":"string","minLength":1,"maxLength":100000,"description":"what to remember"},
                      "kind":{"type":"string","pattern":"^[a-z][a-z0-9_-]{0,39}$","default":"note","description":"a word for what it is, e.g. note"}}}""";
        }

        @Override
        public String outputSchema() {
            return "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},\"kind\":{\"type\":\"string\"},\"saved\":{\"type\":\"string\"}}}";
        }

        @Override
        public ToolResult invoke(Map<String, Object> input, ToolContext context) {
            Object text = input.get("text");
            if (!(text instanceof String t) || t.isBlank())
                return ToolResult.error("'text' is required: what to remember");
            String kind = input.get("kind") instanceof String k && !k.isBlank() ? k : "note";
            if (MemoryItem.RECORDED_BY_PROCOS.contains(kind)) {
                return ToolResult.error("items of kind '" + kind
                        + "' are recorded by ProcOS itself; save this as another kind, e.g. note");
            }
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("taskId", context.taskId());
            props.put("source", "memory.save");
            try {
                MemoryItem saved =
                        memory.remember(new MemoryItem(itemId(context), kind, t.strip(), props, List.of(), null));
                return ToolResult.ok(
                        Map.of("id", saved.id(), "kind", saved.kind(), "saved", saved.text()),
                        "saved to memory as " + saved.kind());
            } catch (IllegalArgumentException | Memory.MemoryFullException e) {
                return ToolResult.error(e.getMessage());
            }
        }
    }

    /**
     * The saved item's id, from the call's idempotency key: a call made again after a stop of ProcOS saves the same
     * item again (memory merges items by id), not a second one. Without a key, a random id.
     */
    static String itemId(ToolContext context) {
        String key = context == null ? null : context.taskId();
        if (key == null || key.isBlank()) return null;
        return UUID.nameUUIDFromBytes(("memory.save:" + key).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    @Component(service = Tool.class, property = ToolReach.PROPERTY + "=" + ToolReach.MEMORY)
    public static final class Search implements Tool {
        private final Memory memory;

        @Activate
        public Search(@Reference Memory memory) {
            this.memory = memory;
        }

        @Override
        public String name() {
            return "memory.search";
        }

        @Override
        public String description() {
            return "Searches ProcOS memory by meaning and returns the closest things remembered, with their similarity. "
                    + "Use it to recall, look up or find what was noted, decided or learned before about a subject.";
        }

        @Override
        public String inputSchema() {
            return """
                    {"type":"object","required":["query"],"additionalProperties":false,"properties":{
                      "query":{"type":"string","minLength":1,"maxLength":2000,"description":"what to look for, in words"},
                      "k":{"type":"integer","minimum":1,"maximum":100,"default":5},
                      "kind":{"type":"string","description":"only items of this kind, e.g. note"}}}""";
        }

        @Override
        public ToolResult invoke(Map<String, Object> input, ToolContext context) {
            Object query = input.get("query");
            if (!(query instanceof String q) || q.isBlank())
                return ToolResult.error("'query' is required: what to look for");
            int k = input.get("k") instanceof Number n ? n.intValue() : 5;
            try {
                Recall recall =
                        new Recall(k, input.get("kind") instanceof String s && !s.isBlank() ? s : null, null, null);
                List<Map<String, Object>> hits =
                        memory.recall(q, recall).stream().map(Search::hit).toList();
                return ToolResult.ok(
                        Map.of(
                                "hits",
                                hits,
                                "best",
                                hits.isEmpty() ? "" : hits.get(0).get("text")),
                        hits.size() + " remembered item(s) found");
            } catch (IllegalArgumentException | IllegalStateException e) {
                return ToolResult.error(e.getMessage());
            }
        }

        private static Map<String, Object> hit(Hit h) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("text", h.item().text());
            m.put("kind", h.item().kind());
            m.put("score", Math.round(h.score() * 1000) / 1000.0);
            m.put("id", h.item().id());
            return m;
        }
    }
}
