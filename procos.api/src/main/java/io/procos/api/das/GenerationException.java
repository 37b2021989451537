package io.procos.api.das;

import java.util.List;

/** Words that could not become a valid process; nothing was deployed. {@link #problems()} says why. */
public final class GenerationException extends Exception {

    private static final long serialVersionUID = 1L;
    private final transient List<String> problems;

    public GenerationException(String message, List<String> problems) {
        super(message + (problems.isEmpty() ? "" : ": " + String.join("; ", problems)));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
