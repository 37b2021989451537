package io.procos.api.tde;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The task executor: what each step of {@code tde.bpmn} does, free of the engine. The orchestrator's
 * delegates call it; the decide endpoint and the assistant call {@link #decide} too, so every decision
 * is taken the same way (the planner there is now, the tools the process allows, precedents from memory).
 */
@ProviderType
public interface TaskExecutor {

    /**
     * Decides how the task is done. No fitting tool is an answer ({@link Decision#tool()} null, with the
     * reason), not a failure.
     *
     * @throws TaskFailedException when no decision can be taken now (no planner yet, a policy that cannot be read)
     */
    Decision decide(TaskRequest request) throws TaskFailedException;

    /**
     * Runs the decision once (the planner may correct it once after invalid arguments or a tool error).
     * The same attempt asked again (the engine retried its transaction) answers what it already did.
     */
    Execution execute(TaskRequest request, Decision decision) throws TaskFailedException;

    /** Samples a stochastic tool once more, given the samples so far, for the probabilistic loop. */
    Sampling sample(TaskRequest request, Decision decision, List<Object> samples) throws TaskFailedException;

    /** Publishes a finished run as a {@link TaskRunEvent} (memory records it); never holds the caller up. */
    void finished(TaskRun run);
}
