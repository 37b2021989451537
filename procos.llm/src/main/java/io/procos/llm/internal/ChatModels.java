package io.procos.llm.internal;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds the configured chat model, or says what is wrong with the configuration. */
final class ChatModels {

    static final List<String> PROVIDERS = List.of("openai-compatible", "ollama", "anthropic");

    private ChatModels() {}

    static final class InvalidConfiguration extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidConfiguration(String message) {
            super(message);
        }
    }

    static String describe(ChatModelComponent.Config c) {
        return c.provider() + " " + c.model() + (c.baseUrl().isBlank() ? "" : " at " + c.baseUrl());
    }

    static ChatModel create(ChatModelComponent.Config c) throws InvalidConfiguration {
        List<String> problems = new ArrayList<>();
        if (!PROVIDERS.contains(c.provider()))
            problems.add("provider must be one of " + PROVIDERS + ", not '" + c.provider() + "'");
        if (c.model().isBlank()) problems.add("model is required (the model's name at the provider)");
        if (!"anthropic".equals(c.provider()) && c.baseUrl().isBlank())
            problems.add("baseUrl is required for " + c.provider());
        if (!c.baseUrl().isBlank()) {
            try {
                URI uri = URI.create(c.baseUrl());
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()))
                    problems.add("baseUrl must be an http(s) URL");
            } catch (IllegalArgumentException e) {
                problems.add("baseUrl is not a URL: " + e.getMessage());
            }
        }
        if ("anthropic".equals(c.provider()) && c.apiKey().isBlank()) problems.add("apiKey is required for anthropic");
        if (c.timeoutSeconds() < 1) problems.add("timeoutSeconds must be at least 1");
        if (!problems.isEmpty()) throw new InvalidConfiguration(String.join("; ", problems));
        // LangChain4j finds its HTTP client through ServiceLoader and the context class loader
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(ChatModels.class.getClassLoader());
        try {
            return build(c);
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    private static ChatModel build(ChatModelComponent.Config c) {
        Duration timeout = Duration.ofSeconds(c.timeoutSeconds());
        switch (c.provider()) {
            case "ollama":
                return OllamaChatModel.builder()
                        .baseUrl(c.baseUrl())
                        .modelName(c.model())
                        .temperature(c.temperature())
                        .timeout(timeout)
                        .maxRetries(1)
                        .build();
            case "anthropic": {
                AnthropicChatModel.AnthropicChatModelBuilder b = AnthropicChatModel.builder()
                        .apiKey(c.apiKey())
                        .modelName(c.model())
                        .temperature(c.temperature())
                        .timeout(timeout)
                        .maxRetries(1)
                        .maxTokens(2048);
                if (!c.baseUrl().isBlank()) b.baseUrl(c.baseUrl());
                return b.build();
            }
            default:
                // servers without keys (vLLM, llama.cpp, LM Studio) accept any; the client needs one
                return OpenAiChatModel.builder()
                        .baseUrl(c.baseUrl())
                        .apiKey(c.apiKey().isBlank() ? "none" : c.apiKey())
                        .modelName(c.model())
                        .temperature(c.temperature())
                        .timeout(timeout)
                        .maxRetries(1)
                        .build();
        }
    }
}
