package io.procos.api.process;

/** ACTIVE runs (or waits); COMPLETED reached an end; FAILED has an incident or was cancelled. */
public enum InstanceState {
    ACTIVE,
    COMPLETED,
    FAILED
}
