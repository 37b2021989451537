package io.procos.tools.file.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.procos.api.tool.ToolContext;
import io.procos.api.tool.ToolResult;
import io.procos.api.tool.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The race the tools must win: the folder {@code a} passes the check, then, before the file is opened,
 * it is replaced by a symbolic link to a folder outside the workspace.
 */
class FileToolsLinkSwapTest {

    private static final ToolContext CONTEXT = new ToolContext() {
        public String taskId() {
            return "test";
        }

        public Instant deadline() {
            return Instant.now().plusSeconds(10);
        }

        public boolean cancelled() {
            return false;
        }
    };

    @TempDir
    Path dir;

    private Path workspaceRoot;
    private Path outside;
    private final AtomicInteger swaps = new AtomicInteger();
    private FileTools.Read read;
    private FileTools.Write write;
    private FileTools.ListFiles list;

    @BeforeEach
    void setUp() throws Exception {
        Workspace workspace = new Workspace(dir.resolve("workspace"));
        workspaceRoot = workspace.root();
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "top secret");
        Files.writeString(outside.resolve("log.txt"), "outside log");
        Files.createDirectories(workspaceRoot.resolve("a"));
        Files.writeString(workspaceRoot.resolve("a/secret.txt"), "harmless");
        Files.writeString(workspaceRoot.resolve("a/log.txt"), "inside log");
        read = new FileTools.Read(workspace, 1024);
        write = new FileTools.Write(workspace, 1024);
        list = new FileTools.ListFiles(workspace, 100);
        FileTools.betweenCheckAndUse = () -> {
            try { // a -> outside, at the worst moment: after the check, before the open
                Files.move(workspaceRoot.resolve("a"), workspaceRoot.resolve("a-before-swap"));
                Files.createSymbolicLink(workspaceRoot.resolve("a"), outside);
                swaps.incrementAndGet();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @AfterEach
    void removeHook() {
        FileTools.betweenCheckAndUse = null;
    }

    @Test
    void aReadDoesNotReturnTheSecret() throws Exception {
        // when
        ToolResult r = read.invoke(Map.of("path", "a/secret.txt"), CONTEXT);

        // then
        report("file.read a/secret.txt", r);
        assertThat(swaps).hasValue(1);
        assertRefusedAsLink(r);
        assertThat(r.content().toString()).doesNotContain("top secret");
    }

    @Test
    void aWholeWriteCreatesNothingOutside() throws Exception {
        // when
        ToolResult created = write.invoke(Map.of("path", "a/new.txt", "content", "planted"), CONTEXT);
        putBack(); // swap again for the next write
        ToolResult replaced = write.invoke(Map.of("path", "a/secret.txt", "content", "overwritten"), CONTEXT);
        putBack();
        ToolResult nested = write.invoke(Map.of("path", "a/deeper/new.txt", "content", "planted"), CONTEXT);

        // then
        report("file.write a/new.txt", created);
        report("file.write a/secret.txt (replacing)", replaced);
        report("file.write a/deeper/new.txt (creating a folder)", nested);
        assertThat(swaps).as("each write passed the check and met the swap").hasValue(3);
        for (ToolResult result : List.of(created, replaced, nested)) assertRefusedAsLink(result);
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("top secret");
        assertThat(outsideNames()).containsExactlyInAnyOrder("secret.txt", "log.txt");
    }

    @Test
    void anAppendCreatesOrChangesNothingOutside() throws Exception {
        // when
        ToolResult existing =
                write.invoke(Map.of("path", "a/log.txt", "content", "\nplanted", "append", true), CONTEXT);
        putBack();
        ToolResult fresh = write.invoke(Map.of("path", "a/fresh.txt", "content", "planted", "append", true), CONTEXT);

        // then
        report("file.write append a/log.txt", existing);
        report("file.write append a/fresh.txt", fresh);
        assertThat(swaps).hasValue(2);
        assertRefusedAsLink(existing);
        assertRefusedAsLink(fresh);
        assertThat(Files.readString(outside.resolve("log.txt"))).isEqualTo("outside log");
        assertThat(outsideNames()).containsExactlyInAnyOrder("secret.txt", "log.txt");
    }

    @Test
    void aListingListsNothingOutside() throws Exception {
        // when
        ToolResult folder = list.invoke(Map.of("path", "a"), CONTEXT);
        putBack();
        ToolResult whole = list.invoke(Map.of("path", "", "recursive", true), CONTEXT);

        // then
        report("file.list a", folder);
        report("file.list '' recursive", whole);
        assertThat(swaps).hasValue(2);
        assertRefusedAsLink(folder);
        assertThat(folder.content().toString()).doesNotContain("secret.txt");
        // the whole workspace can be listed: a is shown as the link it now is, and not entered
        assertThat(whole.isError()).isFalse();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> entries =
                (List<Map<String, Object>>) whole.content().get("entries");
        assertThat(entries)
                .anySatisfy(e -> assertThat(e).containsEntry("path", "a").containsEntry("type", "link"));
        assertThat(entries)
                .noneSatisfy(e -> assertThat(e.get("path").toString()).startsWith("a/"));
    }

    @Test
    void aLinkThatPointsInsideTheWorkspaceIsRefusedToo() throws Exception {
        // given no swap, and a link that stays inside
        FileTools.betweenCheckAndUse = null;
        Files.createSymbolicLink(workspaceRoot.resolve("alias"), workspaceRoot.resolve("a"));

        // when
        ToolResult r = read.invoke(Map.of("path", "alias/secret.txt"), CONTEXT);
        ToolResult w = write.invoke(Map.of("path", "alias/new.txt", "content", "x"), CONTEXT);
        ToolResult l = list.invoke(Map.of("path", "alias"), CONTEXT);
        ToolResult direct = read.invoke(Map.of("path", "a/secret.txt"), CONTEXT);

        // then every link is refused, and the real path still works
        report("file.read alias/secret.txt (alias -> a)", r);
        report("file.write alias/new.txt", w);
        report("file.list alias", l);
        report("file.read a/secret.txt", direct);
        for (ToolResult result : List.of(r, w, l)) assertRefusedAsLink(result);
        assertThat(Files.exists(workspaceRoot.resolve("a/new.txt"))).isFalse();
        assertThat(direct.content()).containsEntry("content", "harmless");
    }

    private static void assertRefusedAsLink(ToolResult result) {
        assertThat(result.isError()).as(result.text()).isTrue();
        assertThat(result.text()).contains("symbolic link").contains("links are not followed");
    }

    /** Undoes the swap, so the next call meets the real folder a again at its check. */
    private void putBack() throws Exception {
        Files.delete(workspaceRoot.resolve("a"));
        Files.move(workspaceRoot.resolve("a-before-swap"), workspaceRoot.resolve("a"));
    }

    private List<String> outsideNames() throws Exception {
        try (Stream<Path> s = Files.list(outside)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    private void report(String tried, ToolResult result) {
        System.out.println("tried " + tried
                + (swaps.get() > 0 ? " with a swapped for a link to " + outside + " after the check" : "") + " -> "
                + (result.isError() ? "tool error: " : "ok: ") + result.text());
    }
}
