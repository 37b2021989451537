package io.procos.api.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ToolPolicyTest {

    static ToolDescriptor tool(String name, String... reach) {
        return new ToolDescriptor(name, "", "{}", null, "b", "1", 1, 0, List.of(reach));
    }

    static final ToolDescriptor READ = tool("file.read", ToolReach.READS_WORKSPACE);
    static final ToolDescriptor MATLAB =
            tool("matlab.run", ToolReach.RUNS_CODE, ToolReach.READS_WORKSPACE, ToolReach.WRITES_WORKSPACE);
    static final ToolDescriptor FETCH = tool("web.fetch", ToolReach.NETWORK);
    static final ToolDescriptor PURE = tool("geo.distance");

    @Test
    void theDefaultAllowsNoCodeAndNoNetwork() {
        ToolPolicy p = ToolPolicy.standard();
        assertThat(p.filter(List.of(READ, MATLAB, FETCH, PURE))).containsExactly(READ, PURE);
    }

    @Test
    void namesPatternsReachWordsAndTheDefaultCombine() {
        assertThat(ToolPolicy.parse("default, matlab.run", null).filter(List.of(READ, MATLAB, FETCH)))
                .containsExactly(READ, MATLAB);
        assertThat(ToolPolicy.parse("file.*", null).filter(List.of(READ, MATLAB, PURE)))
                .containsExactly(READ, PURE);
        assertThat(ToolPolicy.parse("network", null).filter(List.of(READ, FETCH)))
                .containsExactly(FETCH);
        assertThat(ToolPolicy.parse("*", null).filter(List.of(READ, MATLAB, FETCH)))
                .hasSize(3);
        ToolPolicy configured = ToolPolicy.parse("reads-workspace", null);
        assertThat(ToolPolicy.parse("", configured)).isEqualTo(configured);
        assertThat(ToolPolicy.parse("default, web.fetch", configured).spec()).isEqualTo("reads-workspace, web.fetch");
        // the text of a policy reads back to the same policy
        ToolPolicy p = ToolPolicy.parse("default, matlab.run", null);
        assertThat(ToolPolicy.parse(p.spec(), null)).isEqualTo(p);
    }

    @Test
    void anEntryThatIsNoToolNorReachIsRefusedNamingIt() {
        assertThatThrownBy(() -> ToolPolicy.parse("file.read, everything", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'everything'");
    }
}
