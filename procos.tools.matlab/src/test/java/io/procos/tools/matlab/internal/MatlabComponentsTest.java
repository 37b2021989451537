package io.procos.tools.matlab.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.procos.api.health.Health;
import io.procos.api.health.HealthContributor;
import io.procos.api.testing.ComponentDescription;
import io.procos.api.tool.Sandbox;
import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolReach;
import io.procos.api.tool.ToolResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What DS registers: matlab.run with its reach over the configured environment, which is also the health check. */
class MatlabComponentsTest {

    @TempDir
    Path home;

    @Test
    void matlabRunDeclaresItsReachOverTheConfiguredEnvironment() throws Exception {
        // given the component descriptions bnd generated
        Map<String, ComponentDescription> components = ComponentDescription.all(MatlabRunTool.class);
        ComponentDescription tool = components.get(MatlabRunTool.class.getName());
        ComponentDescription environment = components.get(MatlabEnvironment.class.getName());

        // then
        System.out.println("matlab.run registered with " + ToolReach.PROPERTY + "="
                + List.of((String[]) tool.properties().get(ToolReach.PROPERTY)));
        assertThat(components).hasSize(2);
        assertThat(tool.services()).containsExactly(Tool.class.getName());
        assertThat((String[]) tool.properties().get(ToolReach.PROPERTY))
                .containsExactly(ToolReach.RUNS_CODE, ToolReach.READS_WORKSPACE, ToolReach.WRITES_WORKSPACE);
        assertThat(tool.targets())
                .as("the sandbox is the environment's, not the tool's")
                .containsOnlyKeys(MatlabEnvironment.class.getName());
        assertThat(environment.configurationPids()).containsExactly(MatlabConfiguration.PID);
        assertThat(environment.immediate()).isTrue();
        assertThat(environment.services())
                .containsExactlyInAnyOrder(MatlabEnvironment.class.getName(), HealthContributor.class.getName());
        assertThat(environment.targets()).containsOnlyKeys(Sandbox.class.getName());
    }

    @Test
    void withoutASandboxServiceTheToolRunsNothingAndTheHealthCheckSaysWhy() throws Exception {
        // given an environment no sandbox service was bound to
        MatlabEnvironment environment = new MatlabEnvironment(home, MatlabRunToolTest.config());

        // when
        ToolResult r = new MatlabRunTool(environment).invoke(Map.of("script", "x = 1;"), MatlabRunToolTest.CONTEXT);

        // then
        System.out.println("[matlab.run] " + r.text() + "\n[health] " + environment.check());
        assertThat(r.isError()).isTrue();
        assertThat(environment.workspace().root())
                .isEqualTo(home.resolve(MatlabRunToolTest.config().workspace())
                        .toAbsolutePath()
                        .normalize());
        assertThat(environment.check().status()).isEqualTo(Health.Status.DEGRADED);
        assertThat(environment.check().detail())
                .containsAnyOf("no sandbox service is running", "neither MATLAB nor GNU Octave");
    }
}
