package io.procos.api.tde;

import java.util.List;

/**
 * One step of the probabilistic loop: the samples so far (this one included), whether they converged,
 * whether to sample again, and, once the loop ends, the result (mean, spread, samples, last result).
 */
public record Sampling(
        Decision decision,
        List<Object> samples,
        boolean converged,
        boolean again,
        Object result,
        String resultText,
        String correction,
        long millis) {

    public Sampling {
        samples = List.copyOf(samples);
    }
}
