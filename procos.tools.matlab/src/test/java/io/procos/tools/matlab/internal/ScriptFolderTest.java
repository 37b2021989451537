package io.procos.tools.matlab.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a sandboxed script of another run could do to the workspace while ProcOS writes, reads and removes scripts. */
class ScriptFolderTest {

    @TempDir
    Path home;

    private Path conf;
    private Path root;

    @BeforeEach
    void setUp() throws Exception {
        conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("api-token"), "secret");
        root = Files.createDirectories(home.resolve("data/workspace"));
    }

    @Test
    void aFolderSwappedForALinkIsNotFollowedWhenRemoving() throws Exception {
        // given a script folder, and a file in conf/ named like the script
        ScriptFolder folder = ScriptFolder.create(root, "disp(1)");
        Path made = folder.script().getParent();
        assertThat(folder.script()).hasContent("disp(1)");
        Files.writeString(conf.resolve("procos_run.m"), "ProcOS's own");
        // when the folder is swapped for a link to conf/ before the run ends
        Files.move(made, root.resolve("moved"));
        Files.createSymbolicLink(made, conf);
        folder.close();
        // then conf/ is untouched, and the script was removed from the folder ProcOS made
        assertThat(conf.resolve("procos_run.m")).hasContent("ProcOS's own");
        assertThat(root.resolve("moved/procos_run.m")).doesNotExist();
    }

    @Test
    void scriptsAreReadThroughLinksInsideTheWorkspaceOnly() throws Exception {
        Files.createDirectories(root.resolve("lib"));
        Files.writeString(root.resolve("lib/total.m"), "total = 1;");
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("lib"));
        Files.createSymbolicLink(root.resolve("token.m"), conf.resolve("api-token"));
        assertThat(ScriptFolder.read(root, root.resolve("alias/total.m"))).isEqualTo("total = 1;");
        assertThatThrownBy(() -> ScriptFolder.read(root, root.resolve("token.m")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a file in the workspace");
    }

    @Test
    void theFolderIsRemovedAfterTheRun() throws Exception {
        try (ScriptFolder folder = ScriptFolder.create(root, "x = 1;")) {
            assertThat(folder.script().getFileName().toString()).isEqualTo("procos_run.m");
        }
        try (var left = Files.list(root)) {
            assertThat(left).isEmpty();
        }
    }
}
