package io.procos.api.das;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/** The Digital Assistance System: what a person says becomes a running process. */
@ProviderType
public interface Assistant {

    /** Which generator turns words into processes now, e.g. "outline (offline)". */
    String generator();

    /** Words → validated BPMN; nothing is deployed. */
    Generated generate(String text) throws GenerationException;

    /** Words → validated BPMN, deployed and started with the variables; its orchestrator starts with it. */
    Started command(String text, Map<String, Object> variables) throws GenerationException;

    /**
     * A command followed to its end: generates, deploys and starts, then reports progress (one line per
     * change: tasks started, done, failed) until the instance ends or {@code timeout} passes.
     *
     * @return the instance's final view line by line: its state and its variables
     */
    String ask(
            String text,
            Map<String, Object> variables,
            java.util.function.Consumer<String> progress,
            java.time.Duration timeout)
            throws GenerationException, InterruptedException;

    /** Refinements of a process learned from memory, each with its evidence. */
    List<Suggestion> suggestions(String processKey);
}
