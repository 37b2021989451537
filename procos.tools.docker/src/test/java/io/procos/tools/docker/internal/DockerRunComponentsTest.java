package io.procos.tools.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.procos.api.health.HealthContributor;
import io.procos.api.testing.ComponentDescription;
import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolReach;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;

/**
 * What DS registers, without a Docker engine: the configured engine, and docker.run with the reach that the
 * engine's allowNetwork gives it, exactly one docker.run for every value the configuration may hold.
 */
class DockerRunComponentsTest {

    private static final String CONTAINED = DockerRun.Contained.class.getName();
    private static final String NETWORKED = DockerRun.Networked.class.getName();

    @Test
    void theEngineIsConfiguredByTheDockerPidAndIsTheHealthCheck() throws Exception {
        ComponentDescription engine =
                ComponentDescription.all(DockerEngine.class).get(DockerEngine.class.getName());
        assertThat(engine.configurationPids()).containsExactly(DockerConfiguration.PID);
        assertThat(engine.immediate()).as("leftovers are removed at start").isTrue();
        assertThat(engine.services())
                .containsExactlyInAnyOrder(DockerEngine.class.getName(), HealthContributor.class.getName());
        assertThat(engine.properties())
                .as("the default the tools' targets read")
                .containsEntry("allowNetwork", "false");
    }

    @Test
    void dockerRunDeclaresNetworkOnlyWhenTheEngineAllowsIt() throws Exception {
        // given
        Map<String, ComponentDescription> components = ComponentDescription.all(DockerEngine.class);
        assertThat(components)
                .as("the engine and the two descriptions of docker.run")
                .hasSize(3);
        ComponentDescription contained = components.get(CONTAINED);
        ComponentDescription networked = components.get(NETWORKED);

        // then both are docker.run over the engine, and only the networked one says it reaches the network
        for (ComponentDescription d : List.of(contained, networked)) {
            assertThat(d.services()).containsExactly(Tool.class.getName());
            assertThat(d.targets()).containsOnlyKeys(DockerEngine.class.getName());
            System.out.println(d.implementation() + " registered with " + ToolReach.PROPERTY + "="
                    + List.of((String[]) d.properties().get(ToolReach.PROPERTY)) + " when the engine matches "
                    + d.targets().get(DockerEngine.class.getName()));
        }
        // and health knows that one of the two is unsatisfied on purpose
        assertThat(contained.properties()).containsEntry("procos.alternative", "docker.run");
        assertThat(networked.properties()).containsEntry("procos.alternative", "docker.run");
        assertThat((String[]) contained.properties().get(ToolReach.PROPERTY))
                .containsExactly(ToolReach.RUNS_CODE, ToolReach.READS_WORKSPACE, ToolReach.WRITES_WORKSPACE);
        assertThat((String[]) networked.properties().get(ToolReach.PROPERTY))
                .containsExactly(
                        ToolReach.RUNS_CODE, ToolReach.READS_WORKSPACE, ToolReach.WRITES_WORKSPACE, ToolReach.NETWORK);
    }

    @Test
    void everyValueOfAllowNetworkSatisfiesExactlyTheMatchingDockerRun() throws Exception {
        // given the targets, and allowNetwork as the engine's service may carry it: the default, a typed
        // configuration, a .cfg file's text
        Map<String, ComponentDescription> components = ComponentDescription.all(DockerEngine.class);
        Filter contained =
                FrameworkUtil.createFilter(components.get(CONTAINED).targets().get(DockerEngine.class.getName()));
        Filter networked =
                FrameworkUtil.createFilter(components.get(NETWORKED).targets().get(DockerEngine.class.getName()));
        for (Object value : List.of(false, true, "false", "true", "TRUE", "True", "no", "")) {
            Hashtable<String, Object> engine = new Hashtable<>(Map.of("allowNetwork", value));

            // when
            boolean network = networked.match(engine);

            // then one of the two, and the one that agrees with what docker.run allows
            assertThat(contained.match(engine)).as("contained for " + value).isNotEqualTo(network);
            assertThat(network).as("network for " + value).isEqualTo(Boolean.parseBoolean(value.toString()));
        }
    }
}
