package io.procos.api.health;

import java.util.Objects;

/**
 * What a {@link HealthContributor} found.
 *
 * @param status  how able the part is
 * @param detail  one sentence a person can act on ("Docker engine not reachable at unix:///var/run/docker.sock")
 */
public record Health(Status status, String detail) {

    /** UP works; DEGRADED works with less (a backlog, a fallback); DOWN cannot do its job. */
    public enum Status {
        UP,
        DEGRADED,
        DOWN
    }

    public Health {
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
    }

    public static Health up(String detail) {
        return new Health(Status.UP, detail);
    }

    public static Health degraded(String detail) {
        return new Health(Status.DEGRADED, detail);
    }

    public static Health down(String detail) {
        return new Health(Status.DOWN, detail);
    }
}
