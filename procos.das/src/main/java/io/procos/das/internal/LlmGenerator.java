package io.procos.das.internal;

import io.procos.api.llm.DataBlock;
import io.procos.api.llm.LanguageModel;
import java.util.List;
import java.util.function.Supplier;

/**
 * The generator with a language model: the prompt das.generate with recalled example processes and
 * the request; the model answers a small JSON outline (never BPMN), which is checked and turned into
 * BPMN by ProcOS. An answer that is no valid outline is refused with its problems.
 */
final class LlmGenerator {

    private final LanguageModel model;
    private final Supplier<String> template;

    LlmGenerator(LanguageModel model, Supplier<String> template) {
        this.model = model;
        this.template = template;
    }

    String name() {
        return "llm (" + model.name() + ")";
    }

    Outline generate(String request, List<String> examples) throws Outline.InvalidOutline {
        // recalled examples and the request are data in quoted blocks; the instructions are ProcOS's alone
        String boundary = DataBlock.boundary();
        String system = DataBlock.rule(boundary) + "\n\n"
                + template.get()
                        .replace(
                                "{{examples}}",
                                DataBlock.quote(examples.isEmpty() ? "(none)" : String.join("\n", examples), boundary))
                        .replace("{{request}}", DataBlock.quote(request, boundary));
        String answer;
        try {
            answer = model.chat(
                    system, "Write the outline, as JSON only, for what the person wants (the last data block above).");
        } catch (RuntimeException e) {
            throw new Outline.InvalidOutline(List.of("the language model could not be asked: " + e.getMessage()));
        }
        return Outline.parse(answer);
    }
}
