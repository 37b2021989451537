package io.procos.api.das;

/** A process generated from words: its key, BPMN XML, and how it came about, for people. */
public record Generated(String processKey, String bpmn, String explanation, String generator) {}
