package io.procos.api.process;

/** One deployed process definition (the latest version of its key). */
public record ProcessInfo(String key, String name, int version, String definitionId, String deploymentId) {}
