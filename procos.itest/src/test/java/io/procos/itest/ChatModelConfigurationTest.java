package io.procos.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.procos.api.health.HealthContributor;
import io.procos.api.llm.LanguageModel;
import io.procos.api.tde.Decision;
import io.procos.api.tde.Planner;
import io.procos.api.tde.TaskDescription;
import io.procos.api.tool.ToolCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * A chat model is configuration: configuring one publishes an LLM planner that outranks the offline
 * one, changing it swaps it, a broken one says why, deleting it goes back to offline, all without a
 * restart. No language model runs here, so the configured server is a closed port: the planner's
 * HTTP client really runs inside the framework and its failure becomes "no tool fits", never a guess.
 */
class ChatModelConfigurationTest {

    static final String PID = "io.procos.llm.chat";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configurations;

    @InjectService(timeout = 10_000)
    ToolCatalog catalog;

    @AfterEach
    void removeConfiguration() throws Exception {
        configurations.getConfiguration(PID, "?").delete();
    }

    @Test
    void configuringSwappingBreakingAndRemovingTheChatModelWithoutARestart() throws Exception {
        assertThat(services(LanguageModel.class))
                .as("no chat model without configuration")
                .isZero();

        Configuration config = configurations.getConfiguration(PID, "?");
        config.update(properties("openai-compatible", "http://127.0.0.1:9/v1", "first-model"));
        await(() -> planner().name().equals("llm (openai-compatible first-model at http://127.0.0.1:9/v1)"));
        assertThat(services(LanguageModel.class)).isOne();
        assertThat(health("planner")).contains("llm (openai-compatible first-model");

        Decision d = planner()
                .decide(new TaskDescription("Save the report", "Write 'ok' to report.txt", Map.of()), catalog.tools());
        assertThat(d.tool()).isNull();
        assertThat(d.rationale()).contains("the language model could not be asked");

        config.update(properties("ollama", "http://127.0.0.1:9", "second-model"));
        await(() -> planner().name().startsWith("llm (ollama second-model"));

        config.update(properties("gpt", "", ""));
        await(() -> planner().name().startsWith("semantic"));
        await(() -> health("llm").contains("provider must be one of"));
        assertThat(services(LanguageModel.class)).isZero();

        config.delete();
        await(() -> health("llm") == null);
        assertThat(planner().name()).startsWith("semantic");
        assertThat(health("planner")).contains("no chat model is configured");
    }

    static Dictionary<String, Object> properties(String provider, String baseUrl, String model) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("provider", provider);
        p.put("baseUrl", baseUrl);
        p.put("model", model);
        p.put("timeoutSeconds", 5);
        return p;
    }

    private Planner planner() {
        ServiceReference<Planner> ref = context.getServiceReference(Planner.class); // the highest ranking
        return ref == null ? null : context.getService(ref);
    }

    private int services(Class<?> type) throws Exception {
        ServiceReference<?>[] refs = context.getServiceReferences(type.getName(), null);
        return refs == null ? 0 : refs.length;
    }

    private String health(String name) {
        ServiceReference<HealthContributor>[] all;
        try {
            @SuppressWarnings("unchecked")
            ServiceReference<HealthContributor>[] refs = (ServiceReference<HealthContributor>[])
                    context.getServiceReferences(HealthContributor.class.getName(), null);
            all = refs;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (all == null) return null;
        for (ServiceReference<HealthContributor> ref : all) {
            HealthContributor c = context.getService(ref);
            if (c != null && c.name().equals(name))
                return c.check().status() + " " + c.check().detail();
        }
        return null;
    }

    private static void await(Supplier<Boolean> condition) throws InterruptedException {
        Instant end = Instant.now().plus(Duration.ofSeconds(60)); // the offline planner waits for the embedding model
        while (Instant.now().isBefore(end)) {
            try {
                if (Boolean.TRUE.equals(condition.get())) return;
            } catch (RuntimeException e) {
                // not there yet
            }
            Thread.sleep(100);
        }
        assertThat(condition.get()).as("condition within 60 s").isTrue();
    }
}
