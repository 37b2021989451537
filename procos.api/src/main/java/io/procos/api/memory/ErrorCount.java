package io.procos.api.memory;

/** An error message that followed a tool, and how many times. */
public record ErrorCount(String message, int count) {}
