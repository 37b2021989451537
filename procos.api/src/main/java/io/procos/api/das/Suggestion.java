package io.procos.api.das;

import java.util.List;

/** A concrete refinement of a process, with the evidence from memory it rests on. */
public record Suggestion(String kind, String task, String suggestion, List<String> evidence) {}
