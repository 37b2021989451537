package io.procos.tools.docker.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which containers on the engine belong to this ProcOS, told by labels: ProcOS's, its home folder (several
 * ProcOS may share one engine), its start and the task. A ProcOS killed mid-run leaves its containers
 * behind; the next start removes them, so none outlives its ProcOS by more than a restart.
 */
final class ContainerOwner {

    static final String OWNER = "io.procos.owner";
    static final String OWNER_VALUE = "procos";
    static final String HOME = "io.procos.home";
    static final String START = "io.procos.start";
    static final String TASK = "io.procos.task";
    /** A digest of the input, so that a finished container is reused only for the same call. */
    static final String INPUT = "io.procos.input";

    private final String home;
    private final String start;

    ContainerOwner(String home, String start) {
        this.home = home;
        this.start = start;
    }

    Map<String, String> labels(String taskId, String inputKey) {
        Map<String, String> labels = new LinkedHashMap<>(mine());
        labels.put(START, start);
        labels.put(TASK, taskId);
        labels.put(INPUT, inputKey);
        return labels;
    }

    /**
     * Removes this ProcOS's containers of earlier starts, running or not: no task of this start owns them and
     * the task that did is run again. Returns how many were removed.
     */
    int removeLeftovers(DockerClient docker) {
        int removed = 0;
        for (Container c : docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(mine())
                .exec()) {
            if (ofThisStart(c)) continue;
            if (remove(docker, c.getId())) removed++;
        }
        return removed;
    }

    /** This ProcOS's containers for a task, of any start and in any state. */
    List<Container> ofTask(DockerClient docker, String taskId) {
        Map<String, String> filter = new LinkedHashMap<>(mine());
        filter.put(TASK, taskId);
        return docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(filter)
                .exec();
    }

    boolean ofThisStart(Container c) {
        return start.equals(c.getLabels().get(START));
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
