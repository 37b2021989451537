package io.procos.api.tde;

/**
 * One attempt of one task, as the orchestrator hands it to the {@link TaskExecutor}.
 *
 * @param taskId      the task's id; tools get it as their idempotency key
 * @param attempt     1 for the first attempt; an engine retry of the same attempt has the same number
 * @param toolPolicy  what the task's process allows ({@link io.procos.api.tool.ToolPolicy}), the default expanded;
 *                    null for the out-of-the-box default
 */
public record TaskRequest(
        String taskId,
        int attempt,
        String processKey,
        String instanceId,
        String activityId,
        TaskDescription task,
        String toolPolicy) {

    public TaskRequest {
        task = task == null ? new TaskDescription("", "", null) : task;
    }

    /** A request for deciding only (the decide endpoint, the assistant's suggestions): no task, no process. */
    public static TaskRequest of(TaskDescription task, String toolPolicy) {
        return new TaskRequest(null, 1, null, null, null, task, toolPolicy);
    }
}
