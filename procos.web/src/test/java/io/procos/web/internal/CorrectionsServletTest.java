package io.procos.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procos.api.memory.Memory;
import io.procos.api.memory.MemoryItem;
import io.procos.api.process.InstanceState;
import io.procos.api.process.InstanceView;
import io.procos.api.process.ProcessService;
import io.procos.api.tde.TaskDescription;
import io.procos.api.tde.TaskRun;
import io.procos.api.tool.ToolCatalog;
import io.procos.api.tool.ToolDescriptor;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CorrectionsServletTest {

    private final List<MemoryItem> remembered = new ArrayList<>();

    private final Memory memory = fake(Memory.class, (method, args) -> {
        if (!method.equals("remember")) throw new UnsupportedOperationException(method);
        remembered.add((MemoryItem) args[0]);
        return args[0];
    });

    private final ToolCatalog catalog = fake(ToolCatalog.class, (method, args) -> {
        if (!method.equals("tools")) throw new UnsupportedOperationException(method);
        return List.of(tool("file.list"), tool("file.read"));
    });

    private final TaskRun run = new TaskRun(
            "t1",
            "i1",
            "inventory",
            "task0",
            "Show me what is stored",
            "in the folder dir",
            Map.of("x", 1),
            null,
            Map.of(),
            "none",
            0.1,
            "no tool fits",
            "semantic",
            null,
            null,
            TaskRun.FAILED,
            "no tool fits",
            null,
            3,
            1,
            0,
            null,
            null,
            Instant.now(),
            Instant.now());

    private final ProcessService processes = fake(ProcessService.class, (method, args) -> {
        if (!method.equals("instance")) throw new UnsupportedOperationException(method);
        if (!"i1".equals(args[0])) return Optional.empty();
        return Optional.of(new InstanceView(
                "i1",
                "inventory",
                1,
                InstanceState.FAILED,
                Instant.now(),
                Instant.now(),
                Map.of(),
                List.of(run),
                List.of()));
    });

    @Test
    void aCorrectionIsRememberedWithTheTasksTextItsToolAndItsArgumentsAsJson() throws Exception {
        Dto.Correction out = CorrectionsServlet.record(
                body(
                        "task",
                        Map.of("name", "Show me what is stored", "documentation", "in the folder dir"),
                        "tool",
                        "file.list",
                        "arguments",
                        Map.of("path", "dir")),
                catalog,
                memory,
                processes);

        String text = new TaskDescription("Show me what is stored", "in the folder dir", Map.of()).text();
        assertThat(remembered).singleElement().satisfies(item -> {
            assertThat(item.kind()).isEqualTo("correction");
            assertThat(item.text()).isEqualTo(text);
            assertThat(item.properties())
                    .containsEntry("tool", "file.list")
                    .containsEntry("arguments", "{\"path\":\"dir\"}");
        });
        assertThat(out.recorded()).isTrue();
        assertThat(out.task()).isEqualTo(text);
        assertThat(out.tool()).isEqualTo("file.list");
        assertThat(out.arguments()).isEqualTo(Map.of("path", "dir"));
    }

    @Test
    void theInstanceFormTakesTheWordsOfThatInstancesTask() throws Exception {
        CorrectionsServlet.record(
                body(
                        "instanceId",
                        "i1",
                        "activityId",
                        "task0",
                        "tool",
                        "file.list",
                        "arguments",
                        Map.of("path", "dir")),
                catalog,
                memory,
                processes);
        assertThat(remembered).singleElement().satisfies(item -> {
            assertThat(item.text()).isEqualTo("Show me what is stored. in the folder dir");
            assertThat(item.properties()).containsEntry("instanceId", "i1").containsEntry("activityId", "task0");
        });

        assertStatus(
                body("instanceId", "nope", "activityId", "task0", "tool", "file.list", "arguments", Map.of()),
                404,
                "nope");
        assertStatus(
                body("instanceId", "i1", "activityId", "task9", "tool", "file.list", "arguments", Map.of()),
                404,
                "task9",
                "task0");
        assertStatus(body("instanceId", "i1", "tool", "file.list", "arguments", Map.of()), 400, "activityId");
    }

    @Test
    void anUnknownToolArgumentsThatAreNoObjectAndATaskWithoutANameAreRefused() {
        Map<String, Object> task = Map.of("name", "List the folder dir");
        assertStatus(body("task", task, "tool", "file.lsit", "arguments", Map.of()), 400, "file.lsit", "file.list");
        assertStatus(body("task", task, "tool", "file.list", "arguments", List.of("dir")), 400, "arguments", "array");
        assertStatus(body("task", task, "tool", "file.list", "arguments", "{\"path\":\"dir\"}"), 400, "arguments");
        assertStatus(body("task", task, "tool", "file.list"), 400, "arguments", "missing");
        assertStatus(body("task", task, "arguments", Map.of()), 400, "tool");
        assertStatus(body("task", Map.of("name", "  "), "tool", "file.list", "arguments", Map.of()), 400, "name");
        assertStatus(
                body("task", Map.of("documentation", "x"), "tool", "file.list", "arguments", Map.of()), 400, "name");
        assertStatus(body("tool", "file.list", "arguments", Map.of()), 400, "task");
        assertStatus(
                body(
                        "task",
                        task,
                        "instanceId",
                        "i1",
                        "activityId",
                        "task0",
                        "tool",
                        "file.list",
                        "arguments",
                        Map.of()),
                400,
                "not both");
        assertThat(remembered).isEmpty();
    }

    @Test
    void withoutMemoryOrCatalogueItIsA503() {
        Map<String, Object> ok = body("task", Map.of("name", "List dir"), "tool", "file.list", "arguments", Map.of());
        assertThatThrownBy(() -> CorrectionsServlet.record(ok, catalog, null, processes))
                .isInstanceOfSatisfying(HttpJson.RequestException.class, e -> {
                    assertThat(e.status).isEqualTo(503);
                    assertThat(e.getMessage()).contains("memory");
                });
        assertThatThrownBy(() -> CorrectionsServlet.record(ok, null, memory, processes))
                .isInstanceOfSatisfying(HttpJson.RequestException.class, e -> assertThat(e.status)
                        .isEqualTo(503));
        Memory full = fake(Memory.class, (method, args) -> {
            throw new Memory.MemoryFullException("the backlog is at its bound");
        });
        assertThatThrownBy(() -> CorrectionsServlet.record(ok, catalog, full, processes))
                .isInstanceOfSatisfying(HttpJson.RequestException.class, e -> {
                    assertThat(e.status).isEqualTo(503);
                    assertThat(e.getMessage()).contains("bound");
                });
    }

    private void assertStatus(Map<String, Object> body, int status, String... saying) {
        assertThatThrownBy(() -> CorrectionsServlet.record(body, catalog, memory, processes))
                .isInstanceOfSatisfying(HttpJson.RequestException.class, e -> {
                    assertThat(e.status).as(e.getMessage()).isEqualTo(status);
                    assertThat(e.getMessage()).contains(saying);
                });
    }

    private static Map<String, Object> body(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }

    private static ToolDescriptor tool(String name) {
        return new ToolDescriptor(name, name, "{\"type\":\"object\"}", null, "procos.tools.file", "0.1.0", 1, 0);
    }

    interface Answer {
        Object answer(String method, Object[] args);
    }

    @SuppressWarnings("unchecked")
    private static <T> T fake(Class<T> type, Answer answer) {
        return (T) Proxy.newProxyInstance(
                type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "fake " + type.getSimpleName();
                    default -> answer.answer(method.getName(), args);
                });
    }
}
