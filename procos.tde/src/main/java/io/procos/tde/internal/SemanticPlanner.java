package io.procos.tde.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.procos.api.llm.TextEmbedder;
import io.procos.api.tde.Decision;
import io.procos.api.tde.Planner;
import io.procos.api.tde.Precedent;
import io.procos.api.tde.TaskDescription;
import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolDescriptor;
import io.procos.tde.internal.Mentions.Kind;
import io.procos.tde.internal.Mentions.Mention;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The offline planner: no LLM, honest about it. It ranks the tools by the cosine similarity of their name and
 * description with what the task asks (in-process embeddings, the values the task works on taken out), gives the
 * closest few a closer look at their arguments ({@link ArgumentFiller}: values from the words matched to the
 * schema's properties, then process variables of the same name), and takes the best one if it is close enough
 * and the task gives what it requires. Otherwise it picks no tool and says which came closest and what was
 * missing: a missed call is better than a wrong one. A correction a person made to a similar task decides the
 * way it says.
 *
 * <p>Tool descriptions are embedded when a tool arrives, in the background; a decision never waits for them,
 * and a tool not embedded yet is left out of it (the rationale says so).
 */
@Component(
        service = {Planner.class, SemanticPlanner.class},
        configurationPid = SemanticPlanner.PID,
        property = "service.ranking:Integer=-100") // an LLM planner, when configured, outranks it
@Designate(ocd = SemanticPlanner.Config.class)
public final class SemanticPlanner implements Planner {

    static final String PID = "io.procos.tde.semantic";

    @ObjectClassDefinition(
            name = "ProcOS semantic planner",
            description = "The offline planner: tools ranked by meaning, arguments read from the words.")
    public @interface Config {
        @AttributeDefinition(
                name = "Threshold",
                description = "Below this score (cosine similarity, plus what the arguments add) no tool is chosen.")
        double threshold() default DEFAULT_THRESHOLD;
    }

    static final double DEFAULT_THRESHOLD = 0.2;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern AFTER_COLON = Pattern.compile(":\\s+(\\S.{0,100000})$", Pattern.DOTALL);
    /** Words that ask for an estimate from random samples: the tool runs until its results converge. */
    private static final Pattern STOCHASTIC = Pattern.compile(
            "monte[ -]carlo|stochastic|simulat(?:e|es|ed|ion|ions)\\b|random(?:ly)? sampl|repeated(?:ly)? sampl|until (?:the )?(?:results?|estimates?|values?) (?:agree|converge)",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern SQL = Pattern.compile(
            "(?is)^(?:select|insert|update|delete|with|create table)\\b.*\\b(?:from|into|set|as|table)\\b");

    private final TextEmbedder embedder;
    private final double threshold;
    private final Clock clock;
    /** Tool text → the vectors of its sentences; tools come and go, their descriptions rarely change. */
    private final Map<String, List<float[]>> toolVectors = new ConcurrentHashMap<>();
    /** Tool text → the operations its description names. */
    private final Map<String, Operations.Offer> toolOperations = new ConcurrentHashMap<>();
    /** Schema text → its filler: schemas are parsed once. */
    private final Map<String, ArgumentFiller> fillers = new ConcurrentHashMap<>();
    /** Tool texts waiting for the indexer. */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    /** Embeds tool descriptions as tools arrive; null when decisions embed what they meet (tests, benchmarks). */
    private final ExecutorService indexer;

    /** As a service: active once the embedding model has loaded. */
    @Activate
    public SemanticPlanner(@Reference TextEmbedder embedder, Config config) {
        this(embedder, config.threshold(), Clock.systemDefaultZone(), true);
    }

    /** With the default threshold; tools embedded inside the decision that meets them first. */
    public SemanticPlanner(TextEmbedder embedder) {
        this(embedder, DEFAULT_THRESHOLD);
    }

    /** A planner that embeds the tools it meets inside the decision that meets them first. */
    public SemanticPlanner(TextEmbedder embedder, double threshold) {
        this(embedder, threshold, Clock.systemDefaultZone(), false);
    }

    SemanticPlanner(TextEmbedder embedder, double threshold, Clock clock, boolean background) {
        this.embedder = embedder;
        this.threshold = threshold;
        this.clock = clock;
        this.indexer = background
                ? new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "procos-planner-index");
                    t.setDaemon(true);
                    t.setPriority(Thread.MIN_PRIORITY);
                    return t;
                })
                : null;
    }

    /** Each tool that arrives is embedded at once, in the background. */
    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addTool(Tool tool) {
        try {
            index(tool.name(), tool.description());
        } catch (RuntimeException e) {
            // a tool that cannot describe itself is not listed by the catalogue either
        }
    }

    void removeTool(Tool tool) {
        try {
            toolVectors.remove(tool.name() + ": " + tool.description());
        } catch (RuntimeException e) {
            // a tool that cannot describe itself was never indexed
        }
    }

    @Deactivate
    void deactivate() {
        if (indexer != null) indexer.shutdownNow();
    }

    private void index(String name, String description) {
        String text = name + ": " + description;
        if (toolVectors.containsKey(text) || indexer == null || !pending.add(text)) return;
        indexer.execute(() -> {
            try {
                toolVectors.put(text, embedder.embedAll(sentences(name, description)));
            } finally {
                pending.remove(text);
            }
        });
    }

    /** For the planner's health: the tools it knows, and those it is still embedding. */
    String indexState() {
        int n = pending.size();
        return n == 0
                ? toolVectors.size() + " tool descriptions embedded"
                : n + " tool descriptions still being embedded (decisions leave those tools out until then)";
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
     * A tool that did a very similar task before (a precedent at {@value #PRECEDENT_MIN} or closer) is as close to
     * this task as that task was, times {@value #PRECEDENT_WEIGHT}: memory vouches for it. A correction at
     * {@value #CORRECTION_MIN} or closer decides: its tool, and its arguments read the same way from these words.
     */
    @Override
    public Decision decide(TaskDescription task, List<ToolDescriptor> tools, List<Precedent> precedents) {
        if (tools.isEmpty()) return Decision.noTool("no tool fits: no tools are installed", 0, name());
        LocalDate today = LocalDate.now(clock);
        Mentions mentions = Mentions.of(task.text(), today);
        float[] taskVector = embedder.embed(meaning(task, mentions));
        Set<String> asked = Operations.of(withoutQuotes(task.text(), mentions));

        // a correction applies to the same request about other things: compared with the values in both masked,
        // "the folder dir" and "the folder reports" are the same request
        Precedent correction = null;
        double closest = 0;
        String masked = null;
        for (Precedent p : precedents) {
            if (!p.corrected() || tools.stream().noneMatch(t -> t.name().equals(p.tool()))) continue;
            if (masked == null) masked = masked(task.text(), mentions);
            double sim = dot(embedder.embed(masked), embedder.embed(masked(p.task(), Mentions.of(p.task(), today))));
            if (sim >= CORRECTION_MIN && sim > closest) {
                closest = sim;
                correction = new Precedent(p.task(), p.tool(), p.arguments(), sim, true);
            }
        }
        if (correction != null) return corrected(task, tools, correction, mentions, today);

        // the closest few by meaning, kept in order
        List<Scored> top = new ArrayList<>();
        int waiting = 0;
        for (ToolDescriptor tool : tools) {
            List<float[]> sentences = vectors(tool);
            if (sentences == null) {
                waiting++;
                continue;
            }
            double score = -1;
            for (float[] v : sentences) score = Math.max(score, dot(taskVector, v));
            // a tool whose description names what the task asks to do is a candidate even when other words differ
            if (!asked.isEmpty()
                    && !java.util.Collections.disjoint(
                            asked,
                            toolOperations
                                    .computeIfAbsent(toolText(tool), t -> Operations.ofDescription(tool.description()))
                                    .offers())) score += OPERATION;
            for (Precedent p : precedents) {
                if (!p.corrected() && p.tool().equals(tool.name()) && p.similarity() >= PRECEDENT_MIN)
                    score = Math.max(score, p.similarity() * PRECEDENT_WEIGHT);
            }
            if (top.size() < CANDIDATES || score > top.get(top.size() - 1).similarity) {
                top.add(new Scored(tool, score, 0, null, List.of()));
                top.sort((a, b) -> Double.compare(b.similarity, a.similarity));
                if (top.size() > CANDIDATES) top.remove(top.size() - 1);
            }
        }
        // without an indexer nothing removes a tool's vectors: forget tools long gone (with one, removeTool does; a
        // process that allows few tools must not clear what every other process needs)
        if (indexer == null && toolVectors.size() > 4 * tools.size() + 100) toolVectors.clear();
        String notYet = waiting == 0
                ? ""
                : "; " + waiting + " newly installed tool" + (waiting == 1 ? " is" : "s are")
                        + " still being indexed and " + (waiting == 1 ? "was" : "were") + " not considered";
        if (top.isEmpty()) return Decision.noTool("no tool fits: no installed tool is indexed yet" + notYet, 0, name());

        // a closer look: what the words give each candidate, and what they ask for that it cannot take
        List<Mention> salient =
                mentions.all().stream().filter(SemanticPlanner::salient).toList();
        boolean namesFile =
                !mentions.of(Kind.PATH).isEmpty() || !mentions.of(Kind.FOLDER).isEmpty();

        List<Scored> ranked = new ArrayList<>();
        for (Scored s : top) {
            ArgumentFiller.Filled filled = filler(s.tool).fill(mentions, task.variables());
            double fit = 0;
            int required = filler(s.tool).required().size();
            if (required > 0 && filled.missing().isEmpty()) fit += FIT;
            if (required > 0) fit -= FIT * filled.missing().size() / required;
            if (namesFile && !takesFile(filler(s.tool))) fit -= 2 * FIT;
            if (!salient.isEmpty()) fit += FIT * absorbed(filled, salient) / salient.size();
            List<String> conflict = Operations.conflict(
                    asked,
                    toolOperations.computeIfAbsent(
                            toolText(s.tool), t -> Operations.ofDescription(s.tool.description())));
            if (!conflict.isEmpty()) fit -= MISMATCH;
            ranked.add(new Scored(s.tool, s.similarity, s.similarity + fit, filled, conflict));
        }
        ranked.sort((a, b) -> Double.compare(b.score, a.score));
        Scored best = ranked.get(0);
        Scored second = ranked.size() > 1 ? ranked.get(1) : null;
        // a tool that does another operation than the task asks is never the one, however close its words
        if (best.score < threshold || !best.conflict.isEmpty()) {
            return Decision.noTool(
                    String.format(
                                    Locale.ROOT,
                                    "no tool fits: the closest is %s (score %.2f, threshold %.2f%s%s)",
                                    best.tool.name(),
                                    best.score,
                                    threshold,
                                    best.conflict.isEmpty()
                                            ? ""
                                            : "; the task asks to " + String.join(", ", best.conflict)
                                                    + ", which its description does not offer",
                                    best.filled.missing().isEmpty()
                                            ? ""
                                            : "; the task gives no " + String.join(", ", best.filled.missing()))
                            + notYet,
                    best.score,
                    name());
        }
        String unusable = unusable(best);
        if (unusable != null) {
            return Decision.incomplete(
                    String.format(
                                    Locale.ROOT,
                                    "no tool can do it as written: the closest is %s (score %.2f), but %s",
                                    best.tool.name(),
                                    best.score,
                                    unusable)
                            + notYet,
                    best.score,
                    name());
        }
        String rationale = String.format(
                        Locale.ROOT,
                        "%s is the closest tool to the task (score %.2f: similarity %.2f%s)",
                        best.tool.name(),
                        best.score,
                        best.similarity,
                        second == null
                                ? ""
                                : String.format(Locale.ROOT, "; next %s at %.2f", second.tool.name(), second.score))
                + arguments(best.filled)
                + notYet;
        Precedent vouching = precedents.stream()
                .filter(p -> !p.corrected() && p.tool().equals(best.tool.name()) && p.similarity() >= PRECEDENT_MIN)
                .findFirst()
                .orElse(null);
        if (vouching != null) {
            rationale += String.format(
                    Locale.ROOT,
                    "; it did the similar task \"%s\" before (similarity %.2f)",
                    vouching.task(),
                    vouching.similarity());
        }
        String mode = STOCHASTIC.matcher(task.text()).find() ? "probabilistic" : "deterministic";
        return new Decision(
                best.tool.name(),
                best.filled.arguments(),
                mode,
                best.score,
                rationale
                        + (mode.equals("probabilistic")
                                ? "; the task asks for an estimate from random samples, so the tool runs until its results converge"
                                : ""),
                name());
    }

    /** What the task asks, without what it works on: quoted text, code, paths and the like only blur the meaning. */
    private static String meaning(TaskDescription task, Mentions mentions) {
        StringBuilder what = new StringBuilder();
        String text = task.text();
        int at = 0;
        for (Mention m : mentions.all()) {
            if (!Set.of(Kind.QUOTE, Kind.CODE, Kind.URL, Kind.EMAIL, Kind.PATH, Kind.IMAGE)
                    .contains(m.kind())) continue;
            int s = m.kind() == Kind.QUOTE || m.kind() == Kind.CODE ? Math.max(0, m.start() - 1) : m.start();
            int e = m.kind() == Kind.QUOTE || m.kind() == Kind.CODE ? Math.min(text.length(), m.end() + 1) : m.end();
            if (s < at) continue;
            what.append(text, at, s);
            what.append(
                    switch (m.kind()) {
                        case PATH -> "a file";
                        case URL -> "a web address";
                        case EMAIL -> "an address";
                        case IMAGE -> "an image";
                        default -> "";
                    });
            at = e;
        }
        what.append(text.substring(at));
        // code says what it is in: the language's name is what a tool's description would say
        for (Mention m : mentions.of(Kind.CODE)) {
            String code = ((String) m.value()).strip();
            if (SQL.matcher(code).find()) what.append(" (an SQL query)");
        }
        String out =
                AFTER_COLON.matcher(what).replaceAll("").replaceAll("\\s+", " ").strip();
        return out.isBlank() ? text : out;
    }

    /** The words with each value replaced by what kind of value it is: the request, whatever it is about. */
    static String masked(String text, Mentions mentions) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        for (Mention m : mentions.all()) {
            int s = m.kind() == Kind.QUOTE || m.kind() == Kind.CODE ? Math.max(0, m.start() - 1) : m.start();
            int e = m.kind() == Kind.QUOTE || m.kind() == Kind.CODE ? Math.min(text.length(), m.end() + 1) : m.end();
            if (s < at) continue;
            out.append(text, at, s).append(m.kind().name().toLowerCase(Locale.ROOT));
            at = e;
        }
        return out.append(text.substring(at)).toString();
    }

    /** The words without quoted text and code: "Write 'delete me' to a.txt" asks to write. */
    private static String withoutQuotes(String text, Mentions mentions) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        for (Mention m : mentions.all()) {
            if (m.kind() != Kind.QUOTE && m.kind() != Kind.CODE) continue;
            int s = Math.max(0, m.start() - 1);
            if (s < at) continue;
            out.append(text, at, s).append(' ');
            at = Math.min(text.length(), m.end() + 1);
        }
        return out.append(text.substring(at)).toString();
    }

    /** Values that say which tool is meant: a tool that has no place for them is not the one. */
    private static boolean salient(Mention m) {
        return switch (m.kind()) {
            case PATH, FOLDER, URL, EMAIL, IMAGE, DATE, CODE -> true;
            case NUMBER -> m.unit() != null;
            default -> false;
        };
    }

    /** How many of the salient values found a property of this tool. */
    private static int absorbed(ArgumentFiller.Filled filled, List<Mention> salient) {
        int n = 0;
        for (Mention m : salient) {
            for (Object v : filled.arguments().values()) {
                if (matches(v, m.value())) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    private static boolean matches(Object argument, Object value) {
        if (argument == null) return false;
        if (argument.equals(value)) return true;
        if (argument instanceof Number a && value instanceof Number b)
            return Math.abs(a.doubleValue() - b.doubleValue()) < 1e-9
                    || Math.abs(a.doubleValue() * 100 - b.doubleValue()) < 1e-6;
        if (argument instanceof List<?> l) for (Object o : l) if (matches(o, value)) return true;
        if (argument instanceof String s && value instanceof String v) return s.contains(v);
        return false;
    }

    /** Why the best tool cannot be called as the words stand, with what would make it work; null when it can. */
    private String unusable(Scored best) {
        ArgumentFiller filler = filler(best.tool);
        List<String> missing = best.filled.missing();
        if (missing.isEmpty()) {
            // a tool that runs code, given none: the code has to come from somewhere
            if (filler.required().isEmpty() && best.filled.arguments().isEmpty()) {
                List<String> code = filler.properties().values().stream()
                        .filter(p -> p.role() == ArgumentFiller.Role.CODE)
                        .map(ArgumentFiller.Property::name)
                        .toList();
                if (!code.isEmpty()) return howTo(code, true);
            }
            return null;
        }
        boolean code = missing.stream()
                .anyMatch(m -> filler.properties().get(m) != null
                        && filler.properties().get(m).role() == ArgumentFiller.Role.CODE);
        return howTo(missing, code);
    }

    private static String howTo(List<String> missing, boolean code) {
        String list = String.join(", ", missing);
        return "the task gives no " + list
                + (code
                        ? ": write the code in the task between backticks (`…`), set it as the process variable "
                                + missing.get(0) + ", or configure a chat model that can write it"
                        : ": say " + (missing.size() == 1 ? "it" : "them")
                                + " in the task's words, or set the process variable"
                                + (missing.size() == 1 ? " " : "s ") + list);
    }

    private static String arguments(ArgumentFiller.Filled filled) {
        if (filled.arguments().isEmpty()) return "; no arguments";
        return "; arguments " + String.join(", ", filled.arguments().keySet()) + " from "
                + (filled.fromWords() == filled.arguments().size()
                        ? "the task's words"
                        : filled.fromWords() == 0
                                ? "the process variables"
                                : "the task's words and the process variables");
    }

    /**
     * Decided the way a person corrected a similar task: its tool, and each corrected value read from these words
     * where the corrected one stood in that task's words (after the same word), else taken as it was given.
     */
    private Decision corrected(
            TaskDescription task,
            List<ToolDescriptor> tools,
            Precedent correction,
            Mentions mentions,
            LocalDate today) {
        ToolDescriptor tool = tools.stream()
                .filter(t -> t.name().equals(correction.tool()))
                .findFirst()
                .orElseThrow();
        ArgumentFiller.Filled filled = filler(tool).fill(mentions, task.variables());
        Mentions then = Mentions.of(correction.task(), today);
        Map<String, Object> arguments = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : correction.arguments().entrySet()) {
            Object value = e.getValue();
            Mention was = then.all().stream()
                    .filter(m -> String.valueOf(m.value()).equals(String.valueOf(value)))
                    .findFirst()
                    .orElse(null);
            if (was == null && value instanceof String s) {
                // a value that is a word of the task ("the folder dir" → "dir"): read the word after the same cue
                int at = indexOfWord(correction.task(), s);
                Object now = at < 0 ? value : wordAfterSameCue(correction.task(), at, task.text());
                arguments.put(e.getKey(), now == null ? value : now);
                continue;
            }
            if (was == null) {
                arguments.put(e.getKey(), value);
                continue;
            }
            String cue = lastWord(was.before());
            Object now = mentions.all().stream()
                    .filter(m -> m.kind() == was.kind() && lastWord(m.before()).equals(cue))
                    .map(Mention::value)
                    .findFirst()
                    .orElse(filled.arguments().get(e.getKey()));
            arguments.put(e.getKey(), now == null ? value : now);
        }
        return new Decision(
                tool.name(),
                arguments,
                STOCHASTIC.matcher(task.text()).find() ? "probabilistic" : "deterministic",
                correction.similarity(),
                String.format(
                        Locale.ROOT,
                        "%s, as a person corrected the similar task \"%s\" (similarity %.2f)",
                        tool.name(),
                        correction.task(),
                        correction.similarity()),
                name());
    }

    private static int indexOfWord(String text, String word) {
        java.util.regex.Matcher m = Pattern.compile("(?<![\\w./-])" + Pattern.quote(word) + "(?![\\w/-])")
                .matcher(text);
        return m.find() ? m.start() : -1;
    }

    private static Object wordAfterSameCue(String then, int at, String now) {
        String before = then.substring(0, at).trim();
        String cue = lastWord(before.toLowerCase(Locale.ROOT));
        if (cue.isEmpty()) return null;
        java.util.regex.Matcher m = Pattern.compile("(?i)\\b" + Pattern.quote(cue) + "\\s+([\\w./-]*[\\w/-])")
                .matcher(now);
        return m.find() ? m.group(1) : null;
    }

    private static String lastWord(String words) {
        String[] w = words.trim().split("\\s+");
        return w.length == 0 ? "" : w[w.length - 1].toLowerCase(Locale.ROOT);
    }

    /**
     * Offline, arguments are read from the task's words, so a second look finds no others: invalid arguments stay
     * invalid. A tool that failed is set aside and the next closest tool, if it is close enough, is tried instead.
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
    /**
     * A correction applies to tasks this close, their values masked: the same request about other things, in much
     * the same words, not merely the same subject.
     */
    static final double CORRECTION_MIN = 0.85;

    /** How many of the closest tools get a closer look at their arguments. */
    private static final int CANDIDATES = 5;
    /** What being callable with the task's own words and variables is worth, in cosine similarity. */
    static final double FIT = 0.06;

    private record Scored(
            ToolDescriptor tool,
            double similarity,
            double score,
            ArgumentFiller.Filled filled,
            List<String> conflict) {}

    /** What a tool that does something else than the task asks loses, in cosine similarity. */
    static final double MISMATCH = 0.25;
    /** What naming the operation the task asks for is worth. */
    static final double OPERATION = 0.08;

    /** The tool's vectors; when they are not there yet, null (being indexed) or computed now (no indexer). */
    private List<float[]> vectors(ToolDescriptor tool) {
        String text = toolText(tool);
        List<float[]> v = toolVectors.get(text);
        if (v != null) return v;
        if (indexer != null) {
            index(tool.name(), tool.description());
            return null;
        }
        return toolVectors.computeIfAbsent(text, t -> embedder.embedAll(sentences(tool.name(), tool.description())));
    }

    private ArgumentFiller filler(ToolDescriptor tool) {
        if (fillers.size() > 4096) fillers.clear();
        return fillers.computeIfAbsent(tool.inputSchema(), s -> {
            try {
                return new ArgumentFiller(JSON.readTree(s));
            } catch (Exception e) {
                return new ArgumentFiller(JSON.createObjectNode()); // a broken schema takes nothing
            }
        });
    }

    private static boolean takesFile(ArgumentFiller filler) {
        for (ArgumentFiller.Property p : filler.properties().values()) {
            if (p.role() == ArgumentFiller.Role.PATH || p.role() == ArgumentFiller.Role.FOLDER) return true;
            if (p.role() == ArgumentFiller.Role.STRING_LIST && p.wants("file", "files", "path", "paths", "document"))
                return true;
            if (p.role() == ArgumentFiller.Role.IMAGE
                    || p.role() == ArgumentFiller.Role.CODE && p.named("file", "script")) return true;
        }
        return false;
    }

    static String toolText(ToolDescriptor tool) {
        return tool.name() + ": " + tool.description();
    }

    /**
     * A tool is as close to a task as its closest sentence: a description says what the tool does and when to
     * use it in separate sentences, and a task usually matches one of them, not their average.
     */
    static List<String> sentences(String toolName, String description) {
        String name = toolName.replace('.', ' ').replace('_', ' ');
        List<String> out = new ArrayList<>();
        out.add(name + ": " + description);
        for (String sentence : description.split("(?<=[.!?])\\s+")) {
            if (!sentence.isBlank()) out.add(name + ": " + sentence.strip());
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
