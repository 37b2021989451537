package io.procos.tde.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * When a stochastic tool's samples have converged. Numbers: when the running mean has changed by less
 * than {@code epsilon} (relative) over the last {@code agreeing} samples. Anything else: when the last
 * {@code agreeing} samples are equal. Either way it stops at {@code maxSamples}.
 */
record Convergence(int agreeing, double epsilon, int maxSamples) {

    static final Convergence DEFAULT = new Convergence(3, 0.001, 100);
    /** Fields of a tool's result that describe the run, not what was computed. */
    private static final Set<String> NOT_A_RESULT =
            Set.of("exitCode", "durationMs", "timedOut", "engine", "stdout", "stderr", "size", "bytes");

    Convergence {
        if (agreeing < 1) throw new IllegalArgumentException("agreeing must be at least 1, not " + agreeing);
        if (!(epsilon >= 0)) throw new IllegalArgumentException("epsilon must be 0 or more, not " + epsilon);
        if (maxSamples < agreeing)
            throw new IllegalArgumentException(
                    "maxSamples (" + maxSamples + ") must be at least agreeing (" + agreeing + ")");
    }

    /** From the task's variables {@code agreeing}, {@code epsilon}, {@code maxSamples}, each optional. */
    static Convergence from(Map<String, Object> variables) {
        int k = variables.get("agreeing") instanceof Number n ? n.intValue() : DEFAULT.agreeing;
        double e = variables.get("epsilon") instanceof Number n ? n.doubleValue() : DEFAULT.epsilon;
        int max = variables.get("maxSamples") instanceof Number n ? n.intValue() : DEFAULT.maxSamples;
        return new Convergence(k, e, Math.min(max, 10_000));
    }

    boolean converged(List<Object> samples) {
        int n = samples.size();
        if (n < agreeing + (numeric(samples) ? 1 : 0)) return false;
        if (!numeric(samples)) {
            Object last = samples.get(n - 1);
            return samples.subList(n - agreeing, n).stream().allMatch(s -> Objects.equals(s, last));
        }
        double sum = 0;
        List<Double> means = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sum += ((Number) samples.get(i)).doubleValue();
            means.add(sum / (i + 1));
        }
        for (int i = n - agreeing; i < n; i++) {
            double before = means.get(i - 1);
            double change = Math.abs(means.get(i) - before);
            double scale = Math.max(Math.abs(before), 1e-12);
            if (change / scale > epsilon) return false;
        }
        return true;
    }

    static boolean numeric(List<Object> samples) {
        return !samples.isEmpty() && samples.stream().allMatch(s -> s instanceof Number);
    }

    static double mean(List<Object> samples) {
        return samples.stream()
                .mapToDouble(s -> ((Number) s).doubleValue())
                .average()
                .orElse(Double.NaN);
    }

    /**
     * The value a sample yields: the field named {@code observe} when given, else the first number in the
     * result (looking into {@code value}, {@code result} and {@code variables} first), else the whole result.
     */
    static Object observe(Object content, String observe) {
        if (observe != null && !observe.isBlank()) {
            Object found = find(content, observe);
            if (found == null)
                throw new IllegalArgumentException("the result has no field '" + observe + "' to observe");
            return found;
        }
        Object number = firstNumber(content);
        return number != null ? number : content;
    }

    private static Object find(Object content, String key) {
        if (content instanceof Map<?, ?> map) {
            if (map.containsKey(key)) return map.get(key);
            for (Object v : map.values()) {
                Object found = find(v, key);
                if (found != null) return found;
            }
        }
        return null;
    }

    private static Object firstNumber(Object content) {
        if (content instanceof Number) return content;
        if (content instanceof Map<?, ?> map) {
            for (String preferred : List.of("value", "result", "variables")) {
                Object found = map.containsKey(preferred) ? firstNumber(map.get(preferred)) : null;
                if (found != null) return found;
            }
            for (Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<?, ?> e = it.next();
                if (NOT_A_RESULT.contains(String.valueOf(e.getKey()))) continue;
                Object found = firstNumber(e.getValue());
                if (found != null) return found;
            }
        }
        return null;
    }

    String describe() {
        return String.format(
                Locale.ROOT,
                "%d agreeing samples (relative change of the mean below %s), at most %d",
                agreeing,
                epsilon,
                maxSamples);
    }
}
