package io.procos.api.das;

/** A command carried out: the generated process, deployed, and the id of its running instance. */
public record Started(String processKey, String instanceId, String bpmn, String explanation, String generator) {}
