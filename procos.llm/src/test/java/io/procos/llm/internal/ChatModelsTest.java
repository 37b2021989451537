package io.procos.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.lang.annotation.Annotation;
import org.junit.jupiter.api.Test;

/** Every provider is built from configuration (nothing is called), and a configuration that cannot work says why. */
class ChatModelsTest {

    static ChatModelComponent.Config config(String provider, String baseUrl, String model, String apiKey) {
        return new ChatModelComponent.Config() {
            public Class<? extends Annotation> annotationType() {
                return ChatModelComponent.Config.class;
            }

            public String provider() {
                return provider;
            }

            public String baseUrl() {
                return baseUrl;
            }

            public String model() {
                return model;
            }

            public String apiKey() {
                return apiKey;
            }

            public double temperature() {
                return 0;
            }

            public int timeoutSeconds() {
                return 30;
            }

            public double confidenceThreshold() {
                return 0.3;
            }
        };
    }

    @Test
    void buildsEachProvider() throws Exception {
        assertThat(ChatModels.create(config("openai-compatible", "http://127.0.0.1:8000/v1", "qwen", "")))
                .isInstanceOf(OpenAiChatModel.class);
        assertThat(ChatModels.create(config("ollama", "http://127.0.0.1:11434", "llama3.2", "")))
                .isInstanceOf(OllamaChatModel.class);
        assertThat(ChatModels.create(config("anthropic", "", "claude-sonnet-4-5", "key")))
                .isInstanceOf(AnthropicChatModel.class);
    }

    @Test
    void saysEverythingThatIsWrong() {
        assertThatThrownBy(() -> ChatModels.create(config("gpt", "ftp://x", "", "")))
                .hasMessageContaining("provider must be one of [openai-compatible, ollama, anthropic], not 'gpt'")
                .hasMessageContaining("model is required")
                .hasMessageContaining("baseUrl must be an http(s) URL");
        assertThatThrownBy(() -> ChatModels.create(config("anthropic", "", "claude", "")))
                .hasMessageContaining("apiKey is required for anthropic");
    }
}
