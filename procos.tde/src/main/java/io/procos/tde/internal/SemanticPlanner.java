package io.procos.tde.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procos.api.llm.TextEmbedder;
import io.procos.api.tde.Decision;
import io.procos.api.tde.Planner;
import io.procos.api.tde.Precedent;
import io.procos.api.tde.TaskDescription;
import io.procos.api.tool.ToolDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The offline planner: no LLM, honest about it. It ranks the tools by the cosine similarity of their
 * name and description with the task's words (in-process embeddings) and takes the best one if it is
 * close enough; below the threshold it picks no tool and says which came closest. Arguments are filled
 * by the schema's property names: from the task's words first (quoted text, file paths, image names,
 * `commands`), then from the process variables of the same name.
 */
@Component(
        service = Planner.class,
        configurationPid = SemanticPlanner.PID,
        property = "service.ranking:Integer=-100") // an LLM planner, when configured, outranks it
@Designate(ocd = SemanticPlanner.Config.class)
public final class SemanticPlanner implements Planner {

    static final String PID = "io.procos.tde.semantic";

    @ObjectClassDefinition(
            name = "ProcOS semantic planner",
            description = "The offline planner: tools ranked by meaning.")
    public @interface Config {
        @AttributeDefinition(name = "Threshold", description = "Below this cosine similarity no tool is chosen.")
        double threshold() default 0.16;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern QUOTED = Pattern.compile("[\"“']([^\"”']{1,2000})[\"”']");
    private static final Pattern BACKTICKS = Pattern.compile("`([^`]{1,2000})`");
    private static final Pattern PATH =
            Pattern.compile("(?<![\\w/.-])((?:[\\w.-]+/)*[\\w-]+\\.[A-Za-z0-9]{1,6})(?![\\w/])");
    private static final Pattern FOLDER =
            Pattern.compile("(?:folder|directory|dir)\\s+([\\w./-]*[\\w/-])", Pattern.CASE_INSENSITIVE);
    private static final Pattern AFTER_COLON = Pattern.compile(":\\s+(\\S.{0,100000})$", Pattern.DOTALL);
    private static final Pattern ASSIGNED = Pattern.compile("(?:^|[;\\n,])\\s*([A-Za-z]\\w*)\\s*=(?!=)");
    /** Words that ask for an estimate from random samples: the tool runs until its results converge. */
    private static final Pattern STOCHASTIC = Pattern.compile(
            "monte[ -]carlo|stochastic|simulat(?:e|es|ed|ion|ions)\\b|random(?:ly)? sampl|repeated(?:ly)? sampl|until (?:the )?(?:results?|estimates?|values?) (?:agree|converge)",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern IMAGE =
            Pattern.compile("(?<![\\w/.-])([a-z0-9][a-z0-9._-]*(?:/[a-z0-9._-]+)*:[\\w.-]+)");

    private final TextEmbedder embedder;
    private final double threshold;
    /** Tool text → the vectors of its sentences; tools come and go, their descriptions rarely change. */
    private final Map<String, List<float[]>> toolVectors = new ConcurrentHashMap<>();

    /** As a service: active once the embedding model has loaded. */
    @Activate
    public SemanticPlanner(@Reference TextEmbedder embedder, Config config) {
        this(embedder, config.threshold());
    }

    public SemanticPlanner(TextEmbedder embedder, double threshold) {
        this.embedder = embedder;
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return "semantic (offline: " + embedder.model() + ")";
    }

    @Override
    public Decision decide(TaskDescription task, List<ToolDescriptor> tools) {
        return decide(task, tools, List.of());
    }

    /**
     * A tool that did a very similar task before (a precedent at {@value #PRECEDENT_MIN} or closer) is
     * as close to this task as that task was, times {@value #PRECEDENT_WEIGHT}: memory vouches for it.
     */
    @Override
    public Decision decide(TaskDescription task, List<ToolDescriptor> tools, List<Precedent> precedents) {
        if (tools.isEmpty()) return Decision.noTool("no tool fits: no tools are installed", 0, name());
        // quoted text and code say what to work on, not what to do: they would only blur the meaning
        // (as is what follows a colon: "save to memory: <the text>")
        String what = AFTER_COLON
                .matcher(BACKTICKS
                        .matcher(QUOTED.matcher(task.text()).replaceAll(""))
                        .replaceAll(""))
                .replaceAll("");
        float[] taskVector = embedder.embed(what.isBlank() ? task.text() : what);
        // the closest few by meaning, kept in order
        List<Scored> top = new ArrayList<>();
        for (ToolDescriptor tool : tools) {
            List<float[]> sentences =
                    toolVectors.computeIfAbsent(toolText(tool), t -> embedder.embedAll(sentences(tool)));
            double score = -1;
            for (float[] v : sentences) score = Math.max(score, dot(taskVector, v));
            for (Precedent p : precedents) {
                if (p.tool().equals(tool.name()) && p.similarity() >= PRECEDENT_MIN)
                    score = Math.max(score, p.similarity() * PRECEDENT_WEIGHT);
            }
            if (top.size() < CANDIDATES || score > top.get(top.size() - 1).similarity) {
                top.add(new Scored(tool, score, 0, null, null));
                top.sort((a, b) -> Double.compare(b.similarity, a.similarity));
                if (top.size() > CANDIDATES) top.remove(top.size() - 1);
            }
        }
        if (toolVectors.size() > 4 * tools.size() + 100) toolVectors.clear(); // forget tools long gone
        // a tool the task gives everything it requires beats one it does not, at nearly equal meaning (no
        // penalty the other way: what a task does not say often comes from earlier tasks' results)
        // and a task that names a file is not for a tool that takes none
        boolean namesFile = first(PATH, BACKTICKS.matcher(task.text()).replaceAll("")) != null;
        List<Scored> ranked = new ArrayList<>();
        for (Scored s : top) {
            Map<String, Object> arguments = new LinkedHashMap<>();
            List<String> missing = fillArguments(s.tool, task, arguments);
            double fit = requiredCount(s.tool) > 0 && missing.isEmpty() ? FIT : 0;
            if (namesFile && !takesFile(s.tool)) fit -= 2 * FIT;
            ranked.add(new Scored(s.tool, s.similarity, s.similarity + fit, arguments, missing));
        }
        ranked.sort((a, b) -> Double.compare(b.score, a.score));
        Scored best = ranked.get(0);
        Scored second = ranked.size() > 1 ? ranked.get(1) : null;
        if (best.score < threshold) {
            return Decision.noTool(
                    String.format(
                            Locale.ROOT,
                            "no tool fits: the closest is %s (score %.2f, threshold %.2f%s)",
                            best.tool.name(),
                            best.score,
                            threshold,
                            best.missing.isEmpty() ? "" : "; the task gives no " + String.join(", ", best.missing)),
                    best.score,
                    name());
        }
        String rationale = String.format(
                        Locale.ROOT,
                        "%s is the closest tool to the task (score %.2f: similarity %.2f%s%s)",
                        best.tool.name(),
                        best.score,
                        best.similarity,
                        best.score > best.similarity
                                ? ", and the task gives all it needs"
                                : best.score < best.similarity ? ", but it takes no file" : "",
                        second == null
                                ? ""
                                : String.format(Locale.ROOT, "; next %s at %.2f", second.tool.name(), second.score))
                + (best.missing.isEmpty() ? "" : "; could not find a value for " + String.join(", ", best.missing));
        Precedent vouching = precedents.stream()
                .filter(p -> p.tool().equals(best.tool.name()) && p.similarity() >= PRECEDENT_MIN)
                .findFirst()
                .orElse(null);
        if (vouching != null) {
            rationale += String.format(
                    Locale.ROOT,
                    "; it did the similar task \"%s\" before (similarity %.2f)",
                    vouching.task(),
                    vouching.similarity());
        }
        Map<String, Object> arguments = best.arguments;
        double bestScore = best.score;
        String mode = STOCHASTIC.matcher(task.text()).find() ? "probabilistic" : "deterministic";
        return new Decision(
                best.tool.name(),
                arguments,
                mode,
                bestScore,
                rationale
                        + (mode.equals("probabilistic")
                                ? "; the task asks for an estimate from random samples, so the tool runs until its results converge"
                                : ""),
                name());
    }

    /**
     * Offline, arguments are read from the task's words, so a second look finds no others: invalid
     * arguments stay invalid. A tool that failed is set aside and the next closest tool, if it is close
     * enough, is tried instead.
     */
    @Override
    public Decision reconsider(TaskDescription task, List<ToolDescriptor> tools, Decision rejected, String problem) {
        if (problem.contains("do not match its input schema")) {
            return Decision.noTool(
                    "the task's words and variables give no other arguments for " + rejected.tool(), 0, name());
        }
        List<ToolDescriptor> others =
                tools.stream().filter(t -> !t.name().equals(rejected.tool())).toList();
        Decision next = decide(task, others);
        return next.tool() == null
                ? Decision.noTool("no other tool fits: " + next.rationale(), next.confidence(), name())
                : next;
    }

    static final double PRECEDENT_MIN =
            0.9; // near-identical wording: "Write the memo" and "Read the memo" are close in meaning too
    static final double PRECEDENT_WEIGHT = 0.9;

    /** How many of the closest tools get a closer look at their arguments. */
    private static final int CANDIDATES = 5;
    /** What being callable with the task's own words and variables is worth, in cosine similarity. */
    static final double FIT = 0.06;

    private record Scored(
            ToolDescriptor tool,
            double similarity,
            double score,
            Map<String, Object> arguments,
            List<String> missing) {}

    private static boolean takesFile(ToolDescriptor tool) {
        try {
            for (Iterator<String> it =
                            JSON.readTree(tool.inputSchema()).path("properties").fieldNames();
                    it.hasNext(); ) {
                String p = it.next().toLowerCase(Locale.ROOT);
                if (p.contains("path") || p.contains("file") || p.contains("dir") || p.contains("folder")) return true;
            }
        } catch (Exception e) {
            // a broken schema takes nothing
        }
        return false;
    }

    private static int requiredCount(ToolDescriptor tool) {
        try {
            return JSON.readTree(tool.inputSchema()).path("required").size();
        } catch (Exception e) {
            return 0;
        }
    }

    static String toolText(ToolDescriptor tool) {
        return tool.name() + ": " + tool.description();
    }

    /**
     * A tool is as close to a task as its closest sentence: a description says what the tool does and
     * when to use it in separate sentences, and a task usually matches one of them, not their average.
     */
    static List<String> sentences(ToolDescriptor tool) {
        String name = tool.name().replace('.', ' ').replace('_', ' ');
        List<String> out = new ArrayList<>();
        out.add(name + ": " + tool.description());
        for (String sentence : tool.description().split("(?<=[.!?])\\s+")) {
            if (!sentence.isBlank()) out.add(name + ": " + sentence.strip());
        }
        return out;
    }

    /** Fills what it can; returns the required properties it found no value for. */
    static List<String> fillArguments(ToolDescriptor tool, TaskDescription task, Map<String, Object> arguments) {
        List<String> missing = new ArrayList<>();
        JsonNode schema;
        try {
            schema = JSON.readTree(tool.inputSchema());
        } catch (Exception e) {
            return missing;
        }
        Map<String, Object> byKey = new LinkedHashMap<>();
        task.variables().forEach((k, v) -> byKey.put(key(k), v));
        String text = task.text();
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(n -> required.add(n.asText()));
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        schema.path("properties").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            String name = property.getKey();
            // the task's own words first: process variables also hold what earlier tasks returned
            Object value = fromText(name, property.getValue(), text);
            if (value == null) value = byKey.get(key(name));
            if (value != null) arguments.put(name, value);
            else if (required.contains(name)) missing.add(name);
        }
        return missing;
    }

    /** A value for a property from the task's words, by what the property's name says it holds. */
    private static Object fromText(String property, JsonNode schema, String text) {
        String p = property.toLowerCase(Locale.ROOT);
        String type = schema.path("type").asText();
        if ("array".equals(type)) {
            Matcher code = BACKTICKS.matcher(text);
            if (!code.find()) return null;
            if (p.contains("command") || p.contains("arg") || p.contains("cmd"))
                return List.of(code.group(1).trim().split("\\s+"));
            if (p.contains("variable") || p.contains("output") || p.contains("return")) {
                // what a script computes last is what the task is after
                String last = null;
                for (Matcher m = ASSIGNED.matcher(code.group(1)); m.find(); ) last = m.group(1);
                return last == null ? null : List.of(last);
            }
            return null;
        }
        if (!"string".equals(type)) return null;
        if (p.contains("image")) return first(IMAGE, text);
        if (p.equals("workdir") || p.contains("folder") || p.contains("dir")) return first(FOLDER, text);
        if (p.contains("path") || p.contains("file")) {
            String path = first(PATH, text);
            return path != null ? path : first(FOLDER, text);
        }
        if (p.contains("script") || p.contains("code") || p.contains("command")) {
            String code = first(BACKTICKS, text);
            return code != null ? code : first(QUOTED, text);
        }
        if (p.contains("content")
                || p.contains("text")
                || p.contains("body")
                || p.contains("message")
                || p.contains("query")
                || p.contains("question")) {
            String quoted = first(QUOTED, text);
            return quoted != null ? quoted : first(AFTER_COLON, text); // "Save to memory: the supplier moved to Bremen"
        }
        return null;
    }

    private static String first(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** "file_path", "filePath" and "File Path" are the same variable. */
    private static String key(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
