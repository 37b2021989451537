package io.procos.llm.internal;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import io.procos.api.health.Health;
import io.procos.api.health.HealthContributor;
import io.procos.api.llm.LanguageModel;
import io.procos.api.llm.PromptStore;
import io.procos.api.tde.Planner;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A chat model from configuration ({@value #PID}, e.g. {@code conf/io.procos.llm.chat.cfg}). Without
 * that configuration this component does not exist, and neither do the chat model services: ProcOS
 * decides and generates offline. With it, the model is published as a {@link LanguageModel} and an
 * {@link LlmPlanner} that outranks the offline planner; a changed configuration replaces both, a
 * deleted one removes them, all without a restart. A configuration that cannot work registers nothing
 * and says why in {@code /api/health}.
 */
@Component(
        configurationPid = ChatModelComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = HealthContributor.class)
@Designate(ocd = ChatModelComponent.Config.class)
public final class ChatModelComponent implements HealthContributor {

    static final String PID = "io.procos.llm.chat";

    @ObjectClassDefinition(
            name = "ProcOS chat model",
            description = "The language model the task executor and the assistant use.")
    public @interface Config {
        @AttributeDefinition(
                description = "openai-compatible (OpenAI, vLLM, llama.cpp server, LM Studio), ollama or anthropic")
        String provider() default "openai-compatible";

        @AttributeDefinition(description = "e.g. http://127.0.0.1:8000/v1 or http://127.0.0.1:11434")
        String baseUrl() default "";

        @AttributeDefinition(description = "the model's name at the provider")
        String model() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "API key, when the provider needs one")
        String apiKey() default "";

        double temperature() default 0.0;

        int timeoutSeconds() default 60;

        @AttributeDefinition(description = "decisions the model rates below this confidence become 'no tool fits'")
        double confidenceThreshold() default 0.3;
    }

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final String description;
    private final String failure;

    @Activate
    public ChatModelComponent(BundleContext context, Config config, @Reference PromptStore prompts) {
        this.description = ChatModels.describe(config);
        String problem = null;
        try {
            ChatModel model = ChatModels.create(config);
            Dictionary<String, Object> ranked = new Hashtable<>();
            ranked.put(Constants.SERVICE_RANKING, 100); // above the offline planner
            // the model first: whoever sees the LLM planner finds the language model too
            registrations.add(
                    context.registerService(LanguageModel.class, new ChatLanguageModel(model, description), null));
            registrations.add(context.registerService(
                    Planner.class,
                    new LlmPlanner(model, description, LlmPlanner.template(prompts), config.confidenceThreshold()),
                    ranked));
        } catch (ChatModels.InvalidConfiguration | RuntimeException e) {
            problem = "the chat model configuration (" + PID + ") cannot work: " + e.getMessage();
        }
        this.failure = problem;
    }

    @Deactivate
    void deactivate() {
        registrations.forEach(ServiceRegistration::unregister);
    }

    @Override
    public String name() {
        return "llm";
    }

    @Override
    public Health check() {
        return failure != null ? Health.degraded(failure) : Health.up(description);
    }

    /** The model for plain exchanges (the assistant's generator asks for JSON outlines this way). */
    record ChatLanguageModel(ChatModel model, String name) implements LanguageModel {
        @Override
        public String chat(String system, String user) {
            String text = model.chat(SystemMessage.from(system), UserMessage.from(user))
                    .aiMessage()
                    .text();
            return text == null ? "" : text;
        }
    }
}
