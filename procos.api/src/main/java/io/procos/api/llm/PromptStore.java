package io.procos.api.llm;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The prompt templates language models are given, editable while ProcOS runs: the next decision uses
 * the new text. Templates use {@code {{placeholder}}} fields.
 */
@ProviderType
public interface PromptStore {

    List<Prompt> list();

    Optional<Prompt> get(String name);

    /** Replaces a known prompt's text; refuses unknown names and texts that drop a required placeholder. */
    Prompt put(String name, String text);

    /** Goes back to the shipped text. */
    Prompt reset(String name);
}
