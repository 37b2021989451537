package io.procos.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.procos.api.tde.Decision;
import io.procos.api.tde.TaskDescription;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The LLM planner against a real OpenAI-compatible server: runs when PROCOS_LLM_BASE_URL is set
 * (PROCOS_LLM_MODEL, PROCOS_LLM_API_KEY optional), and is reported as skipped otherwise.
 */
class LlmPlannerContractTest {

    @Test
    void aRealModelChoosesTheToolThatWritesAFile() throws Exception {
        String baseUrl = System.getenv("PROCOS_LLM_BASE_URL");
        assumeTrue(
                baseUrl != null && !baseUrl.isBlank(),
                "skipped: no OpenAI-compatible server here; set PROCOS_LLM_BASE_URL (and PROCOS_LLM_MODEL, PROCOS_LLM_API_KEY) to run it");
        String model = System.getenv().getOrDefault("PROCOS_LLM_MODEL", "default");
        String key = System.getenv().getOrDefault("PROCOS_LLM_API_KEY", "");
        String prompt = FilePromptStore.shipped(LlmPlanner.PROMPT);
        LlmPlanner planner = new LlmPlanner(
                ChatModels.create(ChatModelsTest.config("openai-compatible", baseUrl, model, key)),
                model,
                () -> prompt,
                0.0);
        Decision d = planner.decide(
                new TaskDescription(
                        "Save the report",
                        "Write the text 'All checks passed' to the file reports/summary.txt",
                        Map.of()),
                LlmPlannerTest.TOOLS);
        assertThat(d.tool()).as(d.rationale()).isEqualTo("file.write");
        assertThat(d.arguments()).containsEntry("path", "reports/summary.txt");
        assertThat(String.valueOf(d.arguments().get("content"))).contains("All checks passed");
    }
}
