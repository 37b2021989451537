package io.procos.api.process;

import java.util.List;

/** BPMN that cannot be deployed; {@link #problems()} says what is wrong, in the parser's words. */
public class InvalidProcessException extends Exception {

    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public InvalidProcessException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
