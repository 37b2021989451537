package io.procos.das.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Only a command's own words naming MATLAB or a container grant a code-running tool, and only that one. */
class RequestedToolsTest {

    @Test
    void wordsThatNameTheToolGrantItAndNothingElse() {
        assertThat(RequestedTools.policy("Compute the beam stress in MATLAB and save it"))
                .isEqualTo("default, matlab.run");
        assertThat(RequestedTools.policy("run models/beam.m with the new load")).isEqualTo("default, matlab.run");
        assertThat(RequestedTools.policy("Run the tests in the container image gcc:13"))
                .isEqualTo("default, docker.run");
        assertThat(RequestedTools.policy("Solve it with Octave, then build it with docker"))
                .isEqualTo("default, matlab.run, docker.run");
    }

    @Test
    void ordinaryWordsGrantNothing() {
        assertThat(RequestedTools.policy("Write the meeting notes of 9 a.m. to notes/monday.txt"))
                .isNull();
        assertThat(RequestedTools.policy("Remember that the Rotterdam warehouse closes at 6 p.m."))
                .isNull();
        assertThat(RequestedTools.policy("Read the sales file and list the folder"))
                .isNull();
        assertThat(RequestedTools.policy(null)).isNull();
    }
}
