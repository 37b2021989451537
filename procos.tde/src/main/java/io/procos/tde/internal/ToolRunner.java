package io.procos.tde.internal;

import io.procos.api.tde.Decision;
import io.procos.api.tde.Planner;
import io.procos.api.tde.TaskDescription;
import io.procos.api.tool.ToolCatalog;
import io.procos.api.tool.ToolDescriptor;
import io.procos.api.tool.ToolPolicy;
import io.procos.api.tool.ToolResult;
import java.time.Duration;
import java.util.List;

/**
 * Runs a decision: checks that its tool exists now and that its arguments satisfy the tool's schema,
 * and invokes it. Invalid arguments or a tool error go back to the planner once ("reconsider", with the
 * validation message or the tool's error text); what it answers then is checked and run the same way,
 * and a second failure fails the task with its reason.
 */
final class ToolRunner {

    static final Duration TOOL_TIMEOUT = Duration.ofMinutes(10);

    /** What happened: the decision that ran (maybe corrected), its result, and the correction if any. */
    /** The task cannot be done as decided; the delegates turn it into the BPMN error. */
    static final class TaskFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        /** Whether another attempt could go differently: a tool error may pass, invalid arguments do not. */
        final boolean retryable;

        TaskFailed(String message, boolean retryable) {
            super(message, null, false, false);
            this.retryable = retryable;
        }

        TaskFailed(String message) {
            this(message, true);
        }
    }

    record Outcome(Decision decision, ToolResult result, String correction) {}

    private final ToolCatalog catalog;
    private final Planner planner;
    private final ArgumentValidator validator;
    private final ToolPolicy policy;

    /** A runner for a task that may use what {@code policy} permits, and nothing else. */
    ToolRunner(ToolCatalog catalog, Planner planner, ArgumentValidator validator, ToolPolicy policy) {
        this.catalog = catalog;
        this.planner = planner;
        this.validator = validator;
        this.policy = policy;
    }

    ToolRunner(ToolCatalog catalog, Planner planner, ArgumentValidator validator) {
        this(catalog, planner, validator, ToolPolicy.standard());
    }

    Outcome run(TaskDescription task, Decision decision, String idempotencyKey, boolean mayReconsider) {
        Problem problem = check(decision);
        if (problem == null) {
            ToolResult result = catalog.invoke(decision.tool(), decision.arguments(), idempotencyKey, TOOL_TIMEOUT);
            if (!result.isError()) return new Outcome(decision, result, null);
            problem = new Problem(decision.tool() + " failed: " + result.text(), true);
            if (!mayReconsider || planner == null) throw new TaskFailed(problem.text, true);
        } else if (!mayReconsider || planner == null) {
            throw new TaskFailed(problem.text, problem.mayPass);
        }
        Decision second = planner.reconsider(task, policy.filter(catalog.tools()), decision, problem.text);
        // nothing else to try: a tool error may pass on another attempt, a decision that cannot be used will not
        if (second.tool() == null)
            throw new TaskFailed(problem.text + " (reconsidered: " + second.rationale() + ")", problem.mayPass);
        Problem secondProblem = check(second);
        if (secondProblem != null)
            throw new TaskFailed(
                    problem.text + "; the corrected decision failed too: " + secondProblem.text,
                    problem.mayPass || secondProblem.mayPass);
        ToolResult result = catalog.invoke(second.tool(), second.arguments(), idempotencyKey + "/2", TOOL_TIMEOUT);
        if (result.isError())
            throw new TaskFailed(
                    problem.text + "; the corrected decision failed too: " + second.tool() + ": " + result.text(),
                    true);
        return new Outcome(second, result, problem.text);
    }

    /** What is wrong with a decision, and whether it could pass by itself (a tool not installed yet may come). */
    record Problem(String text, boolean mayPass) {}

    /** Null when the decision can run now; else what is wrong with it. */
    Problem check(Decision decision) {
        // checked now, not at decision time: the tool may have gone, or changed its schema, since
        ToolDescriptor descriptor = catalog.tool(decision.tool()).orElse(null);
        if (descriptor == null)
            return new Problem(
                    "the tool " + decision.tool() + " chosen for this task is not installed (any more)", true);
        // whoever chose it (a planner that obeyed words in the task or its variables), the process decides what may run
        if (!policy.permits(descriptor)) {
            return new Problem(
                    "the process does not allow " + decision.tool() + " (it reaches "
                            + (descriptor.reach().isEmpty() ? "nothing" : String.join(", ", descriptor.reach()))
                            + "; the process allows " + policy.spec() + "); name it in the process "
                            + "property " + ToolPolicy.PROPERTY + " to allow it",
                    false);
        }
        List<String> problems = validator.problems(descriptor, decision.arguments());
        return problems.isEmpty()
                ? null
                : new Problem(
                        "the arguments chosen for " + decision.tool() + " do not match its input schema: "
                                + String.join("; ", problems),
                        false);
    }
}
