package io.procos.tools.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.procos.api.memory.ErrorCount;
import io.procos.api.memory.Graph;
import io.procos.api.memory.Hit;
import io.procos.api.memory.Memory;
import io.procos.api.memory.MemoryItem;
import io.procos.api.memory.Recall;
import io.procos.api.memory.ToolUse;
import io.procos.api.testing.ComponentDescription;
import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolContext;
import io.procos.api.tool.ToolReach;
import io.procos.api.tool.ToolResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** memory.save and memory.search over a memory that keeps what it is given in a list. */
class MemoryToolsTest {

    private static final ToolContext CONTEXT = new ToolContext() {
        public String taskId() {
            return "task-1";
        }

        public Instant deadline() {
            return Instant.now().plusSeconds(10);
        }

        public boolean cancelled() {
            return false;
        }
    };

    /** A call with an idempotency key. */
    record Call(String taskId) implements ToolContext {
        public Instant deadline() {
            return Instant.now().plusSeconds(10);
        }

        public boolean cancelled() {
            return false;
        }
    }

    private final ListMemory memory = new ListMemory();
    private final MemoryTools.Save save = new MemoryTools.Save(memory);
    private final MemoryTools.Search search = new MemoryTools.Search(memory);

    @Test
    void aSavedNoteKeepsItsTaskAndSource() throws Exception {
        // when
        ToolResult saved = save.invoke(Map.of("text", "  the Rotterdam warehouse closes at 6 pm on Fridays "), CONTEXT);

        // then
        assertThat(saved.isError()).as(saved.text()).isFalse();
        assertThat(saved.text()).isEqualTo("saved to memory as note");
        MemoryItem item = memory.items.get(0);
        assertThat(item.kind()).isEqualTo("note");
        assertThat(item.text()).isEqualTo("the Rotterdam warehouse closes at 6 pm on Fridays");
        assertThat(item.properties()).containsEntry("taskId", "task-1").containsEntry("source", "memory.save");
        assertThat(saved.content())
                .containsEntry("id", item.id())
                .containsEntry("kind", "note")
                .containsEntry("saved", item.text());
    }

    @Test
    void aSaveMadeAgainWithItsKeySavesTheSameItemAndAnotherCallANewOne() throws Exception {
        // when the call is made, then made again with its key (ProcOS stopped before its result was recorded)
        ToolResult first = save.invoke(Map.of("text", "the dock door sticks"), CONTEXT);
        ToolResult again = save.invoke(Map.of("text", "the dock door sticks"), CONTEXT);
        ToolResult other = save.invoke(Map.of("text", "the dock door sticks"), new Call("task-2"));

        // then both carry the id derived from the key: memory merges them into one item (by id, in the graph and the
        // vector store); a call of its own saves an item of its own
        String id = UUID.nameUUIDFromBytes("memory.save:task-1".getBytes(StandardCharsets.UTF_8))
                .toString();
        String otherId = (String) other.content().get("id");
        assertThat(first.content()).containsEntry("id", id);
        assertThat(again.content()).containsEntry("id", id);
        assertThat(otherId).isNotEqualTo(id);
        assertThat(memory.items).extracting(MemoryItem::id).containsExactly(id, id, otherId);
    }

    @Test
    void kindsOnlyProcosRecordsAreRefused() throws Exception {
        for (String kind : MemoryItem.RECORDED_BY_PROCOS) {
            // when a task tries to save a forged item of that kind
            ToolResult refused = save.invoke(Map.of("text", "use tool x", "kind", kind), CONTEXT);

            // then it is refused with what to do instead, and nothing is remembered
            assertThat(refused.isError()).as(kind).isTrue();
            assertThat(refused.text()).contains("'" + kind + "'", "recorded by ProcOS itself", "e.g. note");
        }
        assertThat(memory.items).isEmpty();
    }

    @Test
    void aFullMemoryAndMissingTextAreToolErrors() throws Exception {
        memory.full = true;
        assertThat(save.invoke(Map.of("text", "x"), CONTEXT).text()).isEqualTo("memory is full");
        assertThat(save.invoke(Map.of("text", " "), CONTEXT).text()).isEqualTo("'text' is required: what to remember");
        assertThat(search.invoke(Map.of(), CONTEXT).text()).isEqualTo("'query' is required: what to look for");
    }

    @Test
    void searchAnswersTheHitsBestFirstWithRoundedScores() throws Exception {
        // given
        memory.remember(MemoryItem.of("note", "Fridays: closes at 6 pm"));
        memory.remember(MemoryItem.of("note", "Mondays: opens at 8 am"));

        // when
        ToolResult found = search.invoke(Map.of("query", "when does it close", "k", 2, "kind", "note"), CONTEXT);

        // then
        assertThat(found.isError()).as(found.text()).isFalse();
        assertThat(found.text()).isEqualTo("2 remembered item(s) found");
        assertThat(found.content()).containsEntry("best", "Fridays: closes at 6 pm");
        assertThat(memory.lastRecall).isEqualTo(new Recall(2, "note", null, null));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> hits =
                (List<Map<String, Object>>) found.content().get("hits");
        assertThat(hits).extracting(h -> h.get("score")).containsExactly(0.667, 0.5);
        assertThat(hits.get(0)).containsOnlyKeys("text", "kind", "score", "id");
    }

    @Test
    void bothAreToolComponentsOverMemoryThatDeclareTheReachMemory() throws Exception {
        // given the component descriptions bnd generated
        Map<String, ComponentDescription> components = ComponentDescription.all(MemoryTools.class);

        // then
        assertThat(components).containsOnlyKeys(MemoryTools.Save.class.getName(), MemoryTools.Search.class.getName());
        for (ComponentDescription d : components.values()) {
            assertThat(d.services()).containsExactly(Tool.class.getName());
            assertThat(d.properties()).containsExactly(Map.entry(ToolReach.PROPERTY, ToolReach.MEMORY));
            assertThat(d.targets()).containsOnlyKeys(Memory.class.getName());
        }
    }

    /** Remembers in a list; recalls everything of the kind, in order, with falling scores. */
    private static final class ListMemory implements Memory {
        final List<MemoryItem> items = new ArrayList<>();
        boolean full;
        Recall lastRecall;

        public MemoryItem remember(MemoryItem item) {
            if (full) throw new MemoryFullException("memory is full");
            items.add(item);
            return item;
        }

        public List<Hit> recall(String query, Recall recall) {
            lastRecall = recall;
            List<Hit> hits = new ArrayList<>();
            for (MemoryItem item : items) hits.add(new Hit(item, 2.0 / (3 + hits.size())));
            return hits;
        }

        public Graph instanceGraph(String instanceId) {
            throw new UnsupportedOperationException();
        }

        public List<ToolUse> toolsForTasksLike(String taskText, int k) {
            throw new UnsupportedOperationException();
        }

        public List<ErrorCount> errorsAfter(String tool, int limit) {
            throw new UnsupportedOperationException();
        }

        public long backlog() {
            return 0;
        }
    }
}
