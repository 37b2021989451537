package io.procos.tools.file.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.procos.api.testing.ComponentDescription;
import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolReach;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What DS registers: each tool with the reach the tool policy matches it by, over the one configured workspace. */
class FileToolComponentsTest {

    @TempDir
    Path home;

    @Test
    void eachToolDeclaresItsReach() throws Exception {
        // given the component descriptions bnd generated, and the tools as DS would construct them
        Map<String, ComponentDescription> components = ComponentDescription.all(FileWorkspace.class);
        FileWorkspace files = new FileWorkspace(home, new SmallLimits());
        List<Tool> tools =
                List.of(new FileTools.Read(files), new FileTools.Write(files), new FileTools.ListFiles(files));

        // when
        Map<String, Object> reachByTool = new LinkedHashMap<>();
        for (Tool tool : tools) {
            ComponentDescription d = components.get(tool.getClass().getName());
            assertThat(d.services()).containsExactly(Tool.class.getName());
            assertThat(d.targets()).containsOnlyKeys(FileWorkspace.class.getName());
            reachByTool.put(tool.name(), d.properties().get(ToolReach.PROPERTY));
        }

        // then
        reachByTool.forEach(
                (tool, reach) -> System.out.println(tool + " registered with " + ToolReach.PROPERTY + "=" + reach));
        assertThat(reachByTool)
                .containsExactly(
                        Map.entry("file.read", ToolReach.READS_WORKSPACE),
                        Map.entry("file.write", ToolReach.WRITES_WORKSPACE),
                        Map.entry("file.list", ToolReach.READS_WORKSPACE));
        assertThat(components)
                .as("the three tools and their workspace, nothing else")
                .hasSize(4);
    }

    @Test
    void theWorkspaceAndLimitsComeFromTheFileToolsPidUnderTheProcosHome() throws Exception {
        // given
        ComponentDescription d = ComponentDescription.all(FileWorkspace.class).get(FileWorkspace.class.getName());

        // when
        FileWorkspace files = new FileWorkspace(home, new SmallLimits());

        // then
        assertThat(d.configurationPids()).containsExactly(FileToolsConfiguration.PID);
        assertThat(d.immediate()).isTrue();
        assertThat(files.workspace().root())
                .isEqualTo(home.resolve("data/workspace").toAbsolutePath().normalize())
                .isDirectory();
        assertThat(new FileTools.Write(files)
                        .invoke(Map.of("path", "big.txt", "content", "x".repeat(1025)), null)
                        .text())
                .isEqualTo("the content has 1025 bytes; file.write accepts at most 1024");
    }

    /** A configuration as DS would give it. */
    private static final class SmallLimits implements FileToolsConfiguration {
        public Class<? extends Annotation> annotationType() {
            return FileToolsConfiguration.class;
        }

        public String root() {
            return "data/workspace";
        }

        public long maxReadBytes() {
            return 1024;
        }

        public long maxWriteBytes() {
            return 1024;
        }

        public int maxListEntries() {
            return 100;
        }

        public int keepCallsDays() {
            return 7;
        }
    }
}
