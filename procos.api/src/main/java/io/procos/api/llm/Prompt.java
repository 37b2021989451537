package io.procos.api.llm;

import java.time.Instant;

/** A prompt template as stored: its name, its text, and whether a person changed the shipped one. */
public record Prompt(String name, String text, boolean edited, Instant updated) {}
