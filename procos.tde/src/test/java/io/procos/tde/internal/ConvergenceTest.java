package io.procos.tde.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConvergenceTest {

    @Test
    void aMonteCarloMeanConvergesNearTheTruth() {
        Random random = new Random(7);
        Convergence rule = new Convergence(3, 0.001, 500);
        List<Object> samples = new ArrayList<>();
        while (!rule.converged(samples) && samples.size() < rule.maxSamples()) {
            int inside = 0;
            for (int i = 0; i < 20_000; i++) {
                double x = random.nextDouble(), y = random.nextDouble();
                if (x * x + y * y <= 1) inside++;
            }
            samples.add(4.0 * inside / 20_000);
        }
        assertThat(rule.converged(samples)).isTrue();
        assertThat(Convergence.mean(samples)).isCloseTo(Math.PI, org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void noiseThatNeverSettlesRunsToTheMaximum() {
        Random random = new Random(1);
        Convergence rule = new Convergence(3, 1e-9, 20);
        List<Object> samples = new ArrayList<>();
        while (!rule.converged(samples) && samples.size() < rule.maxSamples()) samples.add(random.nextDouble() * 1e6);
        assertThat(samples).hasSize(20);
        assertThat(rule.converged(samples)).isFalse();
    }

    @Test
    void wordsConvergeWhenTheLastSamplesAgree() {
        Convergence rule = new Convergence(3, 0, 10);
        assertThat(rule.converged(List.of("red", "blue", "blue"))).isFalse();
        assertThat(rule.converged(List.of("red", "blue", "blue", "blue"))).isTrue();
    }

    @Test
    void observesTheComputedNumberNotTheExitCode() {
        Map<String, Object> matlab =
                Map.of("engine", "octave", "exitCode", 0, "variables", Map.of("pi_estimate", 3.1416));
        assertThat(Convergence.observe(matlab, null)).isEqualTo(3.1416);
        assertThat(Convergence.observe(Map.of("exitCode", 0, "count", 12), null))
                .isEqualTo(12);
        assertThat(Convergence.observe(Map.of("a", 1, "b", Map.of("c", 2)), "c"))
                .isEqualTo(2);
        assertThatThrownBy(() -> Convergence.observe(Map.of("a", 1), "z")).hasMessageContaining("no field 'z'");
    }

    @Test
    void settingsComeFromTheTaskAndAreChecked() {
        assertThat(Convergence.from(Map.of("maxSamples", 7, "epsilon", 0.01))).isEqualTo(new Convergence(3, 0.01, 7));
        assertThatThrownBy(() -> Convergence.from(Map.of("maxSamples", 2)))
                .hasMessageContaining("maxSamples (2) must be at least agreeing (3)");
    }
}
