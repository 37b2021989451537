package io.procos.api.health;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A part of ProcOS (or a tool) that can tell whether it is able to do its job now.
 * Registered as an OSGi service; {@code GET /api/health} asks every one of them.
 */
@ConsumerType
public interface HealthContributor {

    /** Short stable name shown in the health report, for example {@code docker} or {@code memory}. */
    String name();

    /** Checks now; must answer quickly (well under a second) and never throw. */
    Health check();
}
