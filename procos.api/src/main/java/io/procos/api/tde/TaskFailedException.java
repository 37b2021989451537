package io.procos.api.tde;

/**
 * A task cannot be done as asked, with the reason a person can act on. {@code retryable} says whether
 * another attempt could go differently (a tool error, a planner not there yet) or not (the same words
 * will give the same invalid arguments), so the orchestrator retries only the former.
 */
public class TaskFailedException extends Exception {

    private static final long serialVersionUID = 1L;
    private final boolean retryable;

    public TaskFailedException(String reason, boolean retryable) {
        super(reason, null, false, false);
        this.retryable = retryable;
    }

    public TaskFailedException(String reason) {
        this(reason, true);
    }

    public boolean retryable() {
        return retryable;
    }
}
