package io.procos.api.tde;

/**
 * What executing a decision gave: the decision that ran (corrected once by the planner if the first
 * failed, {@code correction} saying why), the tool's structured result and text, and how long it took.
 */
public record Execution(Decision decision, Object result, String resultText, String correction, long millis) {}
