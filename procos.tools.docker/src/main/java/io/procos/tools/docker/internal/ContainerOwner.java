package io.procos.tools.docker.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which containers on the engine belong to this ProcOS, told by labels: ProcOS's, its home folder (several
 * ProcOS may share one engine), its start, the call's idempotency key, a digest of the input and the time limit.
 * A ProcOS killed mid-run leaves its containers behind; they stay while the call they ran may be made again (a
 * running one until its time limit, an ended one for a while after it ended and ProcOS is back), so that the call
 * made again takes their result instead of running the command twice, and go after that.
 */
final class ContainerOwner {

    static final String OWNER = "io.procos.owner";
    static final String OWNER_VALUE = "procos";
    static final String HOME = "io.procos.home";
    static final String START = "io.procos.start";
    /** The call's idempotency key ({@code ToolContext.taskId()}): the task and its attempt. */
    static final String CALL = "io.procos.call";
    /** A digest of the input, so that an ended container answers only for the same call. */
    static final String INPUT = "io.procos.input";
    /** When the call kills the container (epoch seconds): its time limit, known to a ProcOS started later. */
    static final String DEADLINE = "io.procos.deadline";

    private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);
    /** A container of this start created and never started for this long: its call failed to start it. */
    private static final Duration STUCK = Duration.ofMinutes(10);

    private final String home;
    private final String start;
    private final Instant startedAt;
    private final Duration keepEnded;
    private final AtomicLong sweptAt = new AtomicLong();

    /**
     * @param startedAt when this ProcOS started: an ended container is kept {@code keepEnded} after it ended or
     *     after this, whichever is later, so a long stop of ProcOS does not lose the result the call made again needs
     */
    ContainerOwner(String home, String start, Instant startedAt, Duration keepEnded) {
        this.home = home;
        this.start = start;
        this.startedAt = startedAt;
        this.keepEnded = keepEnded;
    }

    Map<String, String> labels(String callKey, String inputKey, Instant deadline) {
        Map<String, String> labels = new LinkedHashMap<>(mine());
        labels.put(START, start);
        labels.put(CALL, callKey);
        labels.put(INPUT, inputKey);
        labels.put(DEADLINE, Long.toString(deadline.getEpochSecond()));
        return labels;
    }

    /** {@link #sweep} at most once a minute: for the calls, which must not list every container each time. */
    int sweepNowAndThen(DockerClient docker) {
        long now = System.currentTimeMillis();
        long last = sweptAt.get();
        if (now - last < SWEEP_EVERY.toMillis() || !sweptAt.compareAndSet(last, now)) return 0;
        return sweep(docker, Instant.ofEpochMilli(now));
    }

    /**
     * Removes this ProcOS's containers that no call can want any more, and returns how many went:
     *
     * <ul>
     *   <li>of an earlier start without a call label (an older ProcOS), or only created (it never ran, so the call
     *       made again loses nothing when it starts afresh), or in any state but running or ended;
     *   <li>ended longer than the time to keep them ago (counted from this start at the earliest);
     *   <li>of this start, created and not started for ten minutes.
     * </ul>
     *
     * A running container of an earlier start past its time limit is killed, as the call would have killed it, and
     * then kept like any ended one. Those of this start that run or were just created belong to a call running now.
     */
    int sweep(DockerClient docker, Instant now) {
        int removed = 0;
        for (Container c : docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(mine())
                .exec()) {
            try {
                Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
                boolean earlier = !ofThisStart(c);
                String state = String.valueOf(c.getState());
                boolean remove;
                if (earlier && !labels.containsKey(CALL)) {
                    remove = true;
                } else if ("running".equals(state)) {
                    remove = false;
                    if (earlier && pastDeadline(labels, now))
                        docker.killContainerCmd(c.getId()).exec();
                } else if ("exited".equals(state) || "dead".equals(state)) {
                    remove = now.isAfter(
                            keptUntil(docker.inspectContainerCmd(c.getId()).exec()));
                } else if ("created".equals(state)) {
                    remove = earlier
                            || now.isAfter(Instant.ofEpochSecond(c.getCreated()).plus(STUCK));
                } else {
                    remove = earlier;
                }
                if (remove && remove(docker, c.getId())) removed++;
            } catch (DockerException e) {
                // removed or stopped meanwhile (by the call that owns it): the next sweep looks again
            }
        }
        return removed;
    }

    /** This ProcOS's containers for a call, of any start and in any state. */
    List<Container> ofCall(DockerClient docker, String callKey) {
        Map<String, String> filter = new LinkedHashMap<>(mine());
        filter.put(CALL, callKey);
        return docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(filter)
                .exec();
    }

    boolean ofThisStart(Container c) {
        return c.getLabels() != null && start.equals(c.getLabels().get(START));
    }

    /** The container's time limit from its label; null when it has none. */
    static Instant deadline(Map<String, String> labels) {
        try {
            String d = labels.get(DEADLINE);
            return d == null ? null : Instant.ofEpochSecond(Long.parseLong(d));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean pastDeadline(Map<String, String> labels, Instant now) {
        Instant deadline = deadline(labels);
        return deadline == null || now.isAfter(deadline);
    }

    private Instant keptUntil(InspectContainerResponse inspected) {
        Instant ended = startedAt;
        try {
            Instant finished = Instant.parse(inspected.getState().getFinishedAt());
            if (finished.isAfter(ended)) ended = finished;
        } catch (RuntimeException unknown) {
            // no usable time: counted from this start
        }
        return ended.plus(keepEnded);
    }

    /** True when this call removed it; false when it was gone already. */
    static boolean remove(DockerClient docker, String id) {
        try {
            docker.removeContainerCmd(id).withForce(true).exec();
            return true;
        } catch (NotFoundException gone) {
            return false;
        }
    }

    private Map<String, String> mine() {
        return Map.of(OWNER, OWNER_VALUE, HOME, home);
    }
}
