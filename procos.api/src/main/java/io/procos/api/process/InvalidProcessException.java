package io.procos.api.process;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * BPMN that cannot be deployed; {@link #problems()} says what is wrong, in the parser's words, and {@link
 * #elementIds()} which diagram element each problem concerns, so that an editor can show it there.
 */
public class InvalidProcessException extends Exception {

    private static final long serialVersionUID = 1L;
    private final List<String> problems;
    private final List<String> elementIds;

    public InvalidProcessException(String message, List<String> problems) {
        this(message, problems, null);
    }

    /**
     * @param elementIds one per problem, in the same order: the id of the element it concerns, or null where it
     *     concerns the whole file; null or shorter than {@code problems} means none known for the rest
     */
    public InvalidProcessException(String message, List<String> problems, List<String> elementIds) {
        super(message);
        this.problems = List.copyOf(problems);
        List<String> ids = new ArrayList<>(problems.size());
        for (int i = 0; i < problems.size(); i++)
            ids.add(elementIds != null && i < elementIds.size() ? elementIds.get(i) : null);
        this.elementIds = Collections.unmodifiableList(ids);
    }

    public List<String> problems() {
        return problems;
    }

    /** For each of {@link #problems()}, the id of the BPMN element it concerns, or null (the list may hold nulls). */
    public List<String> elementIds() {
        return elementIds;
    }
}
