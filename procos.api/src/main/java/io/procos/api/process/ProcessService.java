package io.procos.api.process;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Deploys, starts and inspects processes. Starting a domain process also starts the generic
 * orchestrator (PDO) that runs its tasks, one task executor (TDE) per ready task.
 */
@ProviderType
public interface ProcessService {

    /** The external-task topic every domain task uses; the task's name and documentation say what to do. */
    String TASK_TOPIC = "procos.task";

    /**
     * Validates and deploys BPMN. Either everything is deployed or nothing is.
     *
     * @param resourceName file name shown in the engine, for example {@code order.bpmn}
     * @throws InvalidProcessException with the parser's messages when the BPMN is not valid
     */
    Deployment deploy(String resourceName, String bpmnXml) throws InvalidProcessException;

    /**
     * Checks BPMN exactly as {@link #deploy} would (the engine's own parser included) without deploying it.
     *
     * @throws InvalidProcessException with the parser's messages when the BPMN is not valid
     */
    void validate(String resourceName, String bpmnXml) throws InvalidProcessException;

    /** The latest version of every deployed domain process (the orchestrator's own processes are not listed). */
    List<ProcessInfo> processes();

    /**
     * Starts the latest version of a domain process and its orchestrator.
     *
     * @return the domain process instance id
     * @throws IllegalArgumentException when no domain process has that key
     */
    String start(String processKey, Map<String, Object> variables);

    Optional<InstanceView> instance(String instanceId);

    /**
     * The BPMN 2.0 XML of a deployed domain process, as it was deployed (its diagram included), for people to view
     * and edit.
     *
     * @param version the version wanted; 0 or less means the latest
     * @return empty when no domain process has that key and version
     */
    default Optional<String> bpmn(String processKey, int version) {
        return Optional.empty();
    }

    /**
     * The tool policy of a process that states none ({@code defaultToolPolicy} of the engine's configuration): what
     * its tasks may use. Callers outside a process (an MCP client, say) are held to it too.
     */
    default io.procos.api.tool.ToolPolicy defaultToolPolicy() {
        return io.procos.api.tool.ToolPolicy.standard();
    }

    /** Domain instances, newest first; {@code state} null means all. */
    List<InstanceView> instances(InstanceState state, int max);
}
