package io.procos.api.llm;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A configured chat model, registered only while one is configured: with no provider there is no
 * service, and whoever needs one falls back to its offline path.
 */
@ProviderType
public interface LanguageModel {

    /** Provider and model, e.g. "openai-compatible gpt-4o-mini at http://127.0.0.1:8000/v1". */
    String name();

    /** One exchange: instructions and a request, the model's text answer. */
    String chat(String system, String user);
}
