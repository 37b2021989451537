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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The file tools on a real file system: a round trip, and every way out of the workspace refused. */
class FileToolsTest {

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

    private Path outside;
    private FileTools.Read read;
    private FileTools.Write write;
    private FileTools.ListFiles list;

    @BeforeEach
    void setUp() throws Exception {
        Workspace workspace = new Workspace(dir.resolve("workspace"));
        outside = Files.writeString(dir.resolve("secret.txt"), "not yours");
        read = new FileTools.Read(workspace, 1024);
        write = new FileTools.Write(workspace, 1024);
        list = new FileTools.ListFiles(workspace, 100);
        // links planted inside the workspace that point out of it
        Files.createSymbolicLink(workspace.root().resolve("escape-file"), outside);
        Files.createSymbolicLink(workspace.root().resolve("escape-dir"), dir);
    }

    @Test
    void aFileRoundTripsThroughWriteListAndRead() throws Exception {
        // when
        ToolResult written =
                write.invoke(Map.of("path", "notes/meeting.txt", "content", "Decisions: ship on Friday."), CONTEXT);
        ToolResult appended =
                write.invoke(Map.of("path", "notes/meeting.txt", "content", "\nOwner: Ana", "append", true), CONTEXT);
        ToolResult listed = list.invoke(Map.of("path", "notes"), CONTEXT);
        ToolResult back = read.invoke(Map.of("path", "notes/meeting.txt"), CONTEXT);

        // then
        assertThat(written.isError()).as(written.text()).isFalse();
        assertThat(appended.isError()).isFalse();
        assertThat(back.content()).containsEntry("content", "Decisions: ship on Friday.\nOwner: Ana");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> entries =
                (List<Map<String, Object>>) listed.content().get("entries");
        assertThat(entries).singleElement().satisfies(e -> assertThat(e)
                .containsEntry("path", "notes/meeting.txt")
                .containsEntry("type", "file"));
    }

    @ParameterizedTest(name = "refuses {0}")
    @ValueSource(
            strings = {
                "../secret.txt",
                "/etc/passwd",
                "notes/../../secret.txt",
                "escape-file",
                "escape-dir/secret.txt",
                "bad\0name",
                "escape-dir"
            })
    void everyWayOutOfTheWorkspaceIsRefused(String path) throws Exception {
        // when each tool is asked for a path that leads outside
        ToolResult r = read.invoke(Map.of("path", path), CONTEXT);
        ToolResult w = write.invoke(Map.of("path", path, "content", "overwritten"), CONTEXT);
        ToolResult l = list.invoke(Map.of("path", path), CONTEXT);

        // then all refuse with a tool error that says why, and the file outside is untouched
        for (ToolResult result : List.of(r, w, l)) {
            assertThat(result.isError()).as(path).isTrue();
            assertThat(result.text()).containsAnyOf("outside the workspace", "absolute paths are not allowed", "NUL");
        }
        assertThat(Files.readString(outside)).isEqualTo("not yours");
    }

    @Test
    void limitsAndMissingFilesGiveClearErrors() throws Exception {
        assertThat(write.invoke(Map.of("path", "big.txt", "content", "x".repeat(2000)), CONTEXT)
                        .text())
                .contains("at most 1024");
        assertThat(read.invoke(Map.of("path", "nothing.txt"), CONTEXT).text()).contains("no file 'nothing.txt'");
        assertThat(read.invoke(Map.of(), CONTEXT).text()).contains("'path' is required");
    }
}
