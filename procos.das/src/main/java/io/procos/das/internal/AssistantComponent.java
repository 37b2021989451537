package io.procos.das.internal;

import io.procos.api.das.Assistant;
import io.procos.api.das.Generated;
import io.procos.api.das.GenerationException;
import io.procos.api.das.Started;
import io.procos.api.das.Suggestion;
import io.procos.api.health.Health;
import io.procos.api.health.HealthContributor;
import io.procos.api.llm.LanguageModel;
import io.procos.api.llm.PromptStore;
import io.procos.api.memory.Hit;
import io.procos.api.memory.Memory;
import io.procos.api.memory.MemoryItem;
import io.procos.api.memory.Recall;
import io.procos.api.memory.Relation;
import io.procos.api.process.InstanceState;
import io.procos.api.process.InstanceView;
import io.procos.api.process.InvalidProcessException;
import io.procos.api.process.ProcessService;
import io.procos.api.tde.Decision;
import io.procos.api.tde.TaskDescription;
import io.procos.api.tde.TaskExecutor;
import io.procos.api.tde.TaskFailedException;
import io.procos.api.tde.TaskRequest;
import io.procos.api.tool.ToolPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assistant: words → outline (the configured language model, or the offline generator) → BPMN →
 * the engine's parser and ProcOS's lint → deployed and started. Commands are remembered as
 * interactions; suggestions come from what memory holds about a process's decisions.
 */
@Component(service = {Assistant.class, HealthContributor.class})
public final class AssistantComponent implements Assistant, HealthContributor {

    private static final Logger LOG = LoggerFactory.getLogger(AssistantComponent.class);
    static final int MAX_TEXT = 20_000;
    /** A recalled sample this close in meaning is reused as it is. */
    static final double REUSE = 0.9;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ProcessService processes;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Memory memory;

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile LanguageModel model;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile PromptStore prompts;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile TaskExecutor executor;

    @Override
    public String generator() {
        LanguageModel m = model;
        return m == null ? "outline (offline, deterministic)" : "llm (" + m.name() + ")";
    }

    @Override
    public Generated generate(String text) throws GenerationException {
        if (text == null || text.isBlank())
            throw new GenerationException("there is nothing to do", List.of("the text is empty"));
        if (text.length() > MAX_TEXT)
            throw new GenerationException(
                    "the text is too long", List.of(text.length() + " characters, at most " + MAX_TEXT));
        ProcessService ps = processes;
        if (ps == null)
            throw new GenerationException("the process engine is not running yet", List.of("see GET /api/health"));
        List<Hit> samples = recallSamples(text);
        if (!samples.isEmpty()
                && samples.get(0).score() >= REUSE
                && samples.get(0).item().properties().get("bpmn") instanceof String bpmn) {
            Hit s = samples.get(0);
            String key = String.valueOf(s.item().properties().get("processKey"));
            // recalled BPMN is data like any other: the same lint, parser and deployment policy
            List<String> recalledProblems;
            try {
                recalledProblems = Lint.problems(Bpmn.readModelFromStream(
                        new java.io.ByteArrayInputStream(bpmn.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            } catch (RuntimeException e) {
                recalledProblems = List.of("the recalled process is not valid BPMN: " + e.getMessage());
            }
            if (!recalledProblems.isEmpty())
                throw new GenerationException("the recalled process does not pass ProcOS's checks", recalledProblems);
            validate(ps, key, bpmn);
            return new Generated(
                    key,
                    bpmn,
                    String.format(
                            Locale.ROOT,
                            "Reused the sample process \"%s\": it says the same (similarity %.2f).",
                            s.item().properties().get("name"),
                            s.score()),
                    "memory (recalled sample)");
        }
        Outline outline;
        List<String> notes = new ArrayList<>();
        String generator = generator();
        LanguageModel m = model;
        if (m != null) {
            try {
                outline = new LlmGenerator(m, this::template).generate(text, examples(samples));
            } catch (Outline.InvalidOutline e) {
                throw new GenerationException(
                        "the language model's outline was refused, nothing was deployed", e.problems);
            }
        } else {
            OutlineGenerator.Result r = new OutlineGenerator().generate(text);
            outline = r.outline();
            notes.addAll(r.notes());
        }
        List<String> problems = outline.problems();
        if (!problems.isEmpty()) throw new GenerationException("the outline cannot become a process", problems);
        String key = BpmnWriter.key(outline.name(), text);
        String toolPolicy = RequestedTools.policy(text);
        BpmnModelInstance bpmn = new BpmnWriter().write(key, outline, toolPolicy);
        if (toolPolicy != null)
            notes.add("the command names " + toolPolicy.replace(ToolPolicy.DEFAULT + ", ", "")
                    + ", so the process may use it beside the default tools");
        problems = Lint.problems(bpmn);
        if (!problems.isEmpty())
            throw new GenerationException("the generated process does not pass ProcOS's checks", problems);
        String xml;
        try {
            xml = BpmnWriter.xml(bpmn);
        } catch (RuntimeException e) {
            throw new GenerationException("the generated process is not valid BPMN", List.of(e.getMessage()));
        }
        validate(ps, key, xml);
        String explanation = "Generated by " + generator + " from your words: " + outline.shape()
                + ". Each task is done by the tool the task executor finds for it when it runs."
                + (notes.isEmpty() ? "" : " Note: " + String.join("; ", notes) + ".");
        return new Generated(key, xml, explanation, generator);
    }

    private static void validate(ProcessService ps, String key, String xml) throws GenerationException {
        try {
            ps.validate(key + ".bpmn", xml);
        } catch (InvalidProcessException e) {
            throw new GenerationException(
                    "the engine's parser refused the generated process, nothing was deployed", e.problems());
        }
    }

    private String template() {
        PromptStore p = prompts;
        return p == null
                ? "{{examples}}\n{{request}}"
                : p.get("das.generate").map(io.procos.api.llm.Prompt::text).orElse("{{examples}}\n{{request}}");
    }

    private List<Hit> recallSamples(String text) {
        Memory mem = memory;
        if (mem == null) return List.of();
        try {
            return mem.recall(text, new Recall(3, "process", null, null));
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static List<String> examples(List<Hit> samples) {
        List<String> out = new ArrayList<>();
        for (Hit h : samples)
            out.add("- \"" + h.item().text() + "\" had the steps "
                    + h.item().properties().get("tasks"));
        return out;
    }

    @Override
    public Started command(String text, Map<String, Object> variables) throws GenerationException {
        Generated g = generate(text);
        ProcessService ps = Objects.requireNonNull(processes, "the process engine");
        try {
            ps.deploy(g.processKey() + ".bpmn", g.bpmn());
        } catch (InvalidProcessException e) {
            throw new GenerationException("the generated process could not be deployed", e.problems());
        }
        Map<String, Object> vars = new LinkedHashMap<>(variables == null ? Map.of() : variables);
        vars.putIfAbsent("request", text);
        String id;
        try {
            id = ps.start(g.processKey(), vars);
        } catch (IllegalArgumentException e) {
            // the process service checks the variables before the engine sees them: nothing was started
            throw new IllegalArgumentException(
                    e.getMessage() + "; the process " + g.processKey() + " is deployed, nothing was started", e);
        }
        remember(text, g, id);
        return new Started(g.processKey(), id, g.bpmn(), g.explanation(), g.generator());
    }

    private void remember(String text, Generated g, String instanceId) {
        Memory mem = memory;
        if (mem == null) return;
        try {
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("processKey", g.processKey());
            props.put("instanceId", instanceId);
            props.put("generator", g.generator());
            mem.remember(new MemoryItem(
                    null,
                    "interaction",
                    text,
                    props,
                    List.of(
                            Relation.to("STARTED", Relation.Node.instance(instanceId)),
                            new Relation(
                                    Relation.Node.instance(instanceId),
                                    "INSTANCE_OF",
                                    Relation.Node.process(g.processKey()))),
                    null));
        } catch (RuntimeException e) {
            LOG.warn("The command could not be remembered: {}", e.getMessage());
        }
    }

    @Override
    public String ask(String text, Map<String, Object> variables, Consumer<String> progress, Duration timeout)
            throws GenerationException, InterruptedException {
        Started s = command(text, variables);
        progress.accept("Process " + s.processKey() + ": " + s.explanation());
        progress.accept("Started instance " + s.instanceId());
        ProcessService ps = processes;
        Map<String, String> seen = new LinkedHashMap<>();
        long end = System.nanoTime() + timeout.toNanos();
        InstanceView view = null;
        while (System.nanoTime() < end) {
            view = ps == null ? null : ps.instance(s.instanceId()).orElse(null);
            if (view != null) {
                for (io.procos.api.tde.TaskRun t : view.tasks()) {
                    String state = t.status()
                            + (t.tool() == null ? "" : " with " + t.tool())
                            + (t.attempts() > 1 ? " (attempt " + t.attempts() + ")" : "");
                    if (!state.equals(seen.put(t.activityId(), state))) {
                        progress.accept("Task \"" + t.name() + "\": " + state.toLowerCase(Locale.ROOT)
                                + (t.error() != null && !"COMPLETED".equals(t.status()) ? " — " + t.error() : ""));
                    }
                }
                if (view.state() != InstanceState.ACTIVE) break;
            }
            Thread.sleep(250);
        }
        StringBuilder result = new StringBuilder();
        if (view == null || view.state() == InstanceState.ACTIVE) {
            result.append("Still running after ")
                    .append(timeout.toSeconds())
                    .append(" s: follow it with GET /api/instances/")
                    .append(s.instanceId());
            return result.toString();
        }
        result.append("Finished: ").append(view.state());
        view.incidents().forEach(i -> result.append("\nIncident at ")
                .append(i.activityId())
                .append(": ")
                .append(i.message()));
        view.variables().forEach((k, v) -> {
            if (!"request".equals(k))
                result.append("\n  ").append(k).append(" = ").append(v);
        });
        return result.toString();
    }

    @Override
    public List<Suggestion> suggestions(String processKey) {
        Memory mem = memory;
        if (mem == null)
            return List.of(new Suggestion(
                    "memory", null, "memory is not running, so there is nothing to learn from yet", List.of()));
        List<Hit> decisions =
                mem.recall(processKey.replace('-', ' '), new Recall(Recall.MAX_K, "decision", processKey, null));
        Map<String, List<Map<String, Object>>> byTask = new LinkedHashMap<>();
        for (Hit h : decisions) {
            Map<String, Object> p = new LinkedHashMap<>(h.item().properties());
            p.put("text", h.item().text());
            p.put("at", h.item().createdAt());
            byTask.computeIfAbsent(
                            String.valueOf(p.getOrDefault("taskName", h.item().text())), t -> new ArrayList<>())
                    .add(p);
        }
        List<Suggestion> out = new ArrayList<>();
        byTask.forEach((task, runs) -> {
            runs.sort((a, b) -> String.valueOf(a.get("at")).compareTo(String.valueOf(b.get("at"))));
            long failed =
                    runs.stream().filter(r -> "FAILED".equals(r.get("status"))).count();
            if (failed > 0) {
                List<String> evidence = new ArrayList<>();
                evidence.add(failed + " of " + runs.size() + " runs failed");
                runs.stream()
                        .filter(r -> r.get("error") != null)
                        .map(r -> "error: " + r.get("error"))
                        .distinct()
                        .limit(3)
                        .forEach(evidence::add);
                Map<String, Object> fixed = runs.stream()
                        .filter(r -> "COMPLETED".equals(r.get("status")))
                        .reduce((a, b) -> b)
                        .orElse(null);
                String advice = fixed == null
                        ? "It never worked yet. Say in the task's words what to use (a file name, quoted text, a script in backticks), or install a tool for it."
                        : "It worked with " + fixed.get("tool") + " and the arguments " + fixed.get("arguments")
                                + ": write those values into the task's documentation so every run gets them.";
                if (fixed != null) evidence.add("worked: " + fixed.get("tool") + " " + fixed.get("arguments"));
                out.add(new Suggestion(
                        "failing-task", task, "\"" + task + "\" failed " + failed + " time(s). " + advice, evidence));
            }
            runs.stream()
                    .filter(r -> r.get("tool") != null
                            && !"".equals(r.get("tool"))
                            && r.get("confidence") instanceof Number c
                            && c.doubleValue() < 0.3)
                    .findFirst()
                    .ifPresent(r -> out.add(new Suggestion(
                            "low-confidence",
                            task,
                            String.format(
                                    Locale.ROOT,
                                    "\"%s\" was decided with low confidence (%.2f for %s): name the action and its values more plainly in the task.",
                                    task,
                                    ((Number) r.get("confidence")).doubleValue(),
                                    r.get("tool")),
                            List.of("rationale: " + r.get("rationale")))));
            TaskExecutor x = executor;
            Map<String, Object> none = runs.stream()
                    .filter(r -> r.get("tool") == null || "".equals(r.get("tool")))
                    .reduce((a, b) -> b)
                    .orElse(null);
            if (none != null && x != null) {
                Decision now;
                try {
                    now = x.decide(TaskRequest.of(
                            new TaskDescription(task, String.valueOf(none.get("text")), Map.of()), null));
                } catch (TaskFailedException e) {
                    return; // no planner yet: no suggestion now
                }
                if (now.tool() != null) {
                    out.add(new Suggestion(
                            "new-tool",
                            task,
                            "No tool fitted \"" + task + "\" before; now " + now.tool() + " does (" + now.rationale()
                                    + "). Run the process again.",
                            List.of("then: " + none.get("rationale"))));
                }
            }
        });
        return out;
    }

    @Override
    public String name() {
        return "generator";
    }

    @Override
    public Health check() {
        return Health.up(
                generator() + (model == null ? "; no chat model is configured (conf/io.procos.llm.chat.cfg)" : ""));
    }
}
