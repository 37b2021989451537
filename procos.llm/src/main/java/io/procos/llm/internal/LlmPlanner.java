package io.procos.llm.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.procos.api.llm.DataBlock;
import io.procos.api.llm.PromptStore;
import io.procos.api.tde.Decision;
import io.procos.api.tde.Planner;
import io.procos.api.tde.Precedent;
import io.procos.api.tde.TaskDescription;
import io.procos.api.tool.ToolDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The planner with a chat model in front: the task, the process variables and what memory recalls go
 * into the prompt template {@value #PROMPT} (editable at run time), every tool that exists now is offered
 * as a tool specification, and the model answers with one tool call (or {@value #NO_TOOL}). An answer
 * that cannot be used (no call, an unknown tool, arguments that are not JSON) is sent back once with
 * what was wrong; a second bad answer becomes "no tool fits", never a guess.
 */
final class LlmPlanner implements Planner {

    static final String PROMPT = "tde.decide";
    static final String NO_TOOL = "no_tool_fits";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern JSON_OBJECT = Pattern.compile("\\{[^{}]*\\}");

    private final ChatModel model;
    private final String modelName;
    private final Supplier<String> promptTemplate;
    private final double threshold;

    LlmPlanner(ChatModel model, String modelName, Supplier<String> promptTemplate, double threshold) {
        this.model = model;
        this.modelName = modelName;
        this.promptTemplate = promptTemplate;
        this.threshold = threshold;
    }

    static Supplier<String> template(PromptStore prompts) {
        return () -> prompts.get(PROMPT)
                .orElseThrow(() -> new IllegalStateException("the prompt " + PROMPT + " is missing"))
                .text();
    }

    @Override
    public String name() {
        return "llm (" + modelName + ")";
    }

    @Override
    public Decision decide(TaskDescription task, List<ToolDescriptor> tools) {
        return decide(task, tools, List.of());
    }

    @Override
    public Decision decide(TaskDescription task, List<ToolDescriptor> tools, List<Precedent> precedents) {
        Offer offer = new Offer(tools);
        List<ChatMessage> messages = new ArrayList<>(opening(task, precedents));
        return ask(messages, offer, 2);
    }

    @Override
    public Decision reconsider(TaskDescription task, List<ToolDescriptor> tools, Decision rejected, String problem) {
        Offer offer = new Offer(tools);
        List<ChatMessage> messages = new ArrayList<>(opening(task, List.of()));
        String wire = offer.wireOf(rejected.tool());
        if (wire != null) {
            ToolExecutionRequest call = ToolExecutionRequest.builder()
                    .id("procos-1")
                    .name(wire)
                    .arguments(json(rejected.arguments()))
                    .build();
            messages.add(AiMessage.from(call));
            String boundary = DataBlock.boundary();
            messages.add(ToolExecutionResultMessage.from(
                    call,
                    "ERROR (" + DataBlock.rule(boundary) + ")\n" + DataBlock.quote(problem, boundary)
                            + "\nCorrect the arguments, or call another tool you are offered, or call " + NO_TOOL
                            + "."));
        } else {
            String boundary = DataBlock.boundary();
            messages.add(UserMessage.from("An earlier answer could not be used (" + DataBlock.rule(boundary) + "):\n"
                    + DataBlock.quote(problem, boundary) + "\nCall the right tool you are offered, or " + NO_TOOL
                    + "."));
        }
        return ask(messages, offer, 1);
    }

    /**
     * The prompt: ProcOS's instructions, and everything from outside (task words, variables, precedents)
     * as quoted data blocks with a boundary new for this prompt, whatever the configured template says.
     */
    private List<ChatMessage> opening(TaskDescription task, List<Precedent> precedents) {
        String boundary = DataBlock.boundary();
        String system = DataBlock.rule(boundary) + "\n\n"
                + promptTemplate
                        .get()
                        .replace("{{task}}", DataBlock.quote(task.name(), boundary))
                        .replace(
                                "{{documentation}}",
                                DataBlock.quote(
                                        task.documentation().isBlank() ? "(none)" : task.documentation(), boundary))
                        .replace("{{variables}}", DataBlock.quote(json(task.variables()), boundary))
                        .replace("{{precedents}}", DataBlock.quote(precedents(precedents), boundary));
        return List.of(
                SystemMessage.from(system),
                UserMessage.from("Decide how the task described in the data blocks above is done: "
                        + "call one of the tools you are offered, or " + NO_TOOL + "."));
    }

    private static String precedents(List<Precedent> precedents) {
        if (precedents.isEmpty()) return "(none yet)";
        StringBuilder s = new StringBuilder();
        for (Precedent p : precedents) {
            s.append(String.format(
                    Locale.ROOT,
                    "- \"%s\" was done with %s %s (similarity %.2f)%n",
                    p.task(),
                    p.tool(),
                    json(p.arguments()),
                    p.similarity()));
        }
        return s.toString().strip();
    }

    /** Asks, and sends an unusable answer back with what was wrong until {@code attempts} run out. */
    private Decision ask(List<ChatMessage> messages, Offer offer, int attempts) {
        String problem = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            AiMessage answer;
            try {
                answer = model.chat(ChatRequest.builder()
                                .messages(messages)
                                .toolSpecifications(offer.specifications)
                                .build())
                        .aiMessage();
            } catch (RuntimeException e) {
                return Decision.noTool("the language model could not be asked: " + e.getMessage(), 0, name());
            }
            Reading reading = read(answer, offer);
            if (reading.decision != null) return reading.decision;
            problem = reading.problem;
            messages.add(answer);
            if (answer.hasToolExecutionRequests()) {
                for (ToolExecutionRequest call : answer.toolExecutionRequests()) {
                    messages.add(ToolExecutionResultMessage.from(call, "ERROR: " + problem));
                }
            } else {
                messages.add(UserMessage.from("That answer cannot be used: " + problem
                        + "\nCall exactly one of the tools, or " + NO_TOOL + "."));
            }
        }
        return Decision.noTool("no tool fits: the language model gave no usable answer (" + problem + ")", 0, name());
    }

    private record Reading(Decision decision, String problem) {}

    private Reading read(AiMessage answer, Offer offer) {
        Map<String, Object> notes = notes(answer.text());
        String rationale = notes.get("rationale") instanceof String r ? r : "chosen by " + modelName;
        double confidence =
                notes.get("confidence") instanceof Number c ? Math.max(0, Math.min(1, c.doubleValue())) : 1.0;
        String mode = "probabilistic".equals(notes.get("mode")) ? "probabilistic" : "deterministic";
        if (!answer.hasToolExecutionRequests()) {
            String text = answer.text() == null ? "" : answer.text().strip();
            return new Reading(null, "it called no tool" + (text.isEmpty() ? "" : " and said: " + abbreviate(text)));
        }
        if (answer.toolExecutionRequests().size() > 1) {
            return new Reading(
                    null,
                    "it called " + answer.toolExecutionRequests().size() + " tools; a task is done by exactly one");
        }
        ToolExecutionRequest call = answer.toolExecutionRequests().get(0);
        Map<String, Object> arguments;
        try {
            Object parsed = call.arguments() == null || call.arguments().isBlank()
                    ? Map.of()
                    : JSON.readValue(call.arguments(), Object.class);
            if (!(parsed instanceof Map))
                return new Reading(null, "the arguments of " + call.name() + " are not a JSON object");
            @SuppressWarnings("unchecked")
            Map<String, Object> a = (Map<String, Object>) parsed;
            arguments = a;
        } catch (JsonProcessingException e) {
            return new Reading(
                    null, "the arguments of " + call.name() + " are not valid JSON: " + e.getOriginalMessage());
        }
        if (NO_TOOL.equals(call.name())) {
            Object reason = arguments.get("reason");
            return new Reading(
                    Decision.noTool("no tool fits: " + (reason == null ? rationale : reason), confidence, name()),
                    null);
        }
        String tool = offer.toolOf(call.name());
        if (tool == null) return new Reading(null, "there is no tool named " + call.name());
        if (confidence < threshold) {
            return new Reading(
                    Decision.noTool(
                            String.format(
                                    Locale.ROOT,
                                    "no tool fits: the model's best choice, %s, has confidence %.2f, below the threshold %.2f (%s)",
                                    tool,
                                    confidence,
                                    threshold,
                                    rationale),
                            confidence,
                            name()),
                    null);
        }
        return new Reading(new Decision(tool, arguments, mode, confidence, rationale, name()), null);
    }

    /** The JSON line the prompt asks for beside the call; models that leave it out get the defaults. */
    static Map<String, Object> notes(String text) {
        if (text == null) return Map.of();
        Matcher m = JSON_OBJECT.matcher(text);
        while (m.find()) {
            try {
                Object parsed = JSON.readValue(m.group(), Object.class);
                if (parsed instanceof Map<?, ?> map) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    map.forEach((k, v) -> out.put(String.valueOf(k), v));
                    return out;
                }
            } catch (JsonProcessingException e) {
                // not this one
            }
        }
        return Map.of();
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    /** The tools as offered to the model in one request, with their wire names. */
    private static final class Offer {
        final List<ToolSpecification> specifications = new ArrayList<>();
        final Map<String, String> wireToTool = new LinkedHashMap<>();

        Offer(List<ToolDescriptor> tools) {
            wireToTool.put(NO_TOOL, null);
            for (ToolDescriptor tool : tools) {
                String wire = ToolSchemas.wireName(tool.name(), wireToTool);
                wireToTool.put(wire, tool.name());
                specifications.add(ToolSchemas.specification(wire, tool));
            }
            specifications.add(ToolSpecification.builder()
                    .name(NO_TOOL)
                    .description("Call this when none of the other tools can do the task, and say why.")
                    .parameters(JsonObjectSchema.builder()
                            .addStringProperty("reason", "why no tool fits")
                            .required("reason")
                            .build())
                    .build());
        }

        String toolOf(String wire) {
            return wireToTool.get(wire);
        }

        String wireOf(String tool) {
            for (Map.Entry<String, String> e : wireToTool.entrySet())
                if (e.getKey() != null && tool != null && tool.equals(e.getValue())) return e.getKey();
            return null;
        }
    }
}
