package io.procos.tde.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.procos.api.tde.Decision;
import io.procos.api.tde.Planner;
import io.procos.api.tde.TaskDescription;
import io.procos.api.testing.Embedders;
import io.procos.api.tool.ToolDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The labelled evaluation of a tool {@link Planner}: which tool it picks for a task described in words (or that
 * none fits), and the arguments it fills from the words and the process variables.
 *
 * <p>The data is in {@code src/test/resources/planner}: {@code tools.json} (the 8 built-in tools as their bundles
 * describe them, and 33 tools written the way outside tool authors write them), {@code tasks-dev.json} (302 tasks,
 * to look at while improving a planner) and {@code tasks-heldout.json} (151 tasks of the same kinds in other
 * words, to measure on: only its figures are ever printed, never its tasks).
 *
 * <p>A task is {@code {"id","category","name","documentation","variables","tools","expected":{"tool","arguments"}}}:
 * {@code tools} null means every tool of {@code tools.json} is installed, a list means only those are; the expected
 * tool is null when none fits; each expected argument is keyed by the tool's schema property and lists the
 * acceptable values. Categories: {@code simple} (one tool installed, it fits), {@code multiple} (2 to 4 installed,
 * one fits), {@code irrelevance} (1 to 4 installed, none fits), {@code all} (every tool installed; one fits, or a
 * near neighbour does not quite) and {@code none-all} (every tool installed, plainly none fits). Every expected
 * tool can be called with what its task gives (words or variables) for all it requires; a task whose fitting tool
 * lacks a required value that neither the words nor the variables give ("Compute the magnitude spectrum of the
 * samples with fft", no script) expects no tool: the careful answer is to say what is missing
 * ({@code Decision.incomplete}), not to call the tool with arguments it will refuse or made up.
 *
 * <p>Figures, per split and category: top-1 tool accuracy (no tool included), no-tool precision (of the decisions
 * without a tool, the share where none was expected) and recall (of the tasks where none was expected, the share
 * decided without a tool), AST argument accuracy (of the tasks whose expected tool was chosen: the arguments have
 * exactly the expected keys and each value is acceptable: numbers within 1e-6 relative, strings trimmed and
 * case-insensitive, lists element by element) and decision latency p50/p99.
 *
 * <p>Run: {@code java -cp <procos.tde test class path> io.procos.tde.internal.PlannerEvaluation dev|heldout|both}.
 */
public final class PlannerEvaluation {

    public static final String DEV = "dev";
    public static final String HELDOUT = "heldout";
    public static final List<String> CATEGORIES = List.of("simple", "multiple", "irrelevance", "all", "none-all");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESOURCES = "/planner/";

    /** The tools of {@code tools.json}, as the catalogue lists them, with their input schemas. */
    public record Catalogue(List<ToolDescriptor> tools, Map<String, JsonNode> schemas) {

        public ToolDescriptor tool(String name) {
            return tools.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
        }
    }

    /** One labelled task. {@code tools} null: every tool installed. */
    public record Task(
            String id,
            String category,
            String name,
            String documentation,
            Map<String, Object> variables,
            List<String> tools,
            String expectedTool,
            Map<String, List<Object>> expectedArguments) {}

    /** A task, what the planner decided and how long it took. */
    public record Outcome(Task task, Decision decision, double millis) {

        public boolean toolRight() {
            return Objects.equals(task.expectedTool(), decision.tool());
        }

        /** Whether the arguments are scored: a tool was expected, and chosen. */
        public boolean argumentsScored() {
            return task.expectedTool() != null && toolRight();
        }

        /** Null when the arguments are as expected, else what is wrong with them. */
        public String argumentProblem() {
            return PlannerEvaluation.argumentProblem(decision.arguments(), task.expectedArguments());
        }

        /** What kind of miss this is, or null for none. */
        public String miss() {
            if (!toolRight()) {
                if (task.expectedTool() == null) return "a tool where none fits";
                if (decision.tool() == null) return "no tool where one fits";
                return "the wrong tool";
            }
            return argumentsScored() && argumentProblem() != null ? "the right tool, wrong arguments" : null;
        }
    }

    /** The figures of a set of outcomes. NaN where a figure has no denominator. */
    public record Figures(
            String split,
            String category,
            int tasks,
            double top1,
            double noToolPrecision,
            double noToolRecall,
            double ast,
            int astScored,
            double p50Millis,
            double p99Millis) {}

    private PlannerEvaluation() {}

    // ------------------------------------------------------------------------------------------ loading

    public static Catalogue loadCatalogue() {
        JsonNode array = readTree("tools.json");
        List<ToolDescriptor> tools = new ArrayList<>();
        Map<String, JsonNode> schemas = new LinkedHashMap<>();
        for (JsonNode t : array) {
            String name = t.path("name").asText();
            JsonNode schema = t.path("inputSchema");
            String schemaText;
            try {
                schemaText = JSON.writeValueAsString(schema);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            tools.add(new ToolDescriptor(
                    name, t.path("description").asText(), schemaText, null, "test", "1", name.hashCode(), 0));
            schemas.put(name, schema);
        }
        return new Catalogue(List.copyOf(tools), schemas);
    }

    /** The tasks of a split: {@value #DEV} or {@value #HELDOUT}. */
    public static List<Task> loadTasks(String split) {
        JsonNode array = readTree("tasks-" + split + ".json");
        List<Task> tasks = new ArrayList<>();
        for (JsonNode t : array) {
            JsonNode tools = t.path("tools");
            JsonNode expected = t.path("expected");
            JsonNode tool = expected.path("tool");
            Map<String, List<Object>> arguments = JSON.convertValue(
                    expected.path("arguments").isMissingNode() ? JSON.createObjectNode() : expected.path("arguments"),
                    new TypeReference<LinkedHashMap<String, List<Object>>>() {});
            tasks.add(new Task(
                    t.path("id").asText(),
                    t.path("category").asText(),
                    t.path("name").asText(),
                    t.path("documentation").asText(""),
                    t.path("variables").isObject()
                            ? JSON.convertValue(
                                    t.path("variables"), new TypeReference<LinkedHashMap<String, Object>>() {})
                            : Map.of(),
                    tools.isArray() ? JSON.convertValue(tools, new TypeReference<List<String>>() {}) : null,
                    tool.isNull() || tool.isMissingNode() ? null : tool.asText(),
                    arguments));
        }
        return tasks;
    }

    private static JsonNode readTree(String file) {
        try (InputStream in = PlannerEvaluation.class.getResourceAsStream(RESOURCES + file)) {
            if (in == null) throw new IllegalStateException("no " + RESOURCES + file + " on the class path");
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------ the data's own checks

    /**
     * What is wrong with the data, each naming the task: tools that do not exist, argument keys the tool's schema
     * does not have, values its schema (type, enum, pattern, format) refuses, categories whose installed tools do not
     * match their kind, duplicate ids, and tasks worded the same in both splits.
     */
    public static List<String> dataProblems(Catalogue catalogue, Map<String, List<Task>> splits) {
        List<String> problems = new ArrayList<>();
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        SchemaValidatorsConfig config =
                SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        Set<String> names = new HashSet<>();
        for (ToolDescriptor t : catalogue.tools()) {
            if (!names.add(t.name())) problems.add("tools.json: " + t.name() + " is there twice");
            JsonNode schema = catalogue.schemas().get(t.name());
            if (!schema.path("properties").isObject())
                problems.add("tools.json: " + t.name() + " has no properties in its input schema");
            try {
                factory.getSchema(schema, config);
            } catch (RuntimeException e) {
                problems.add("tools.json: the input schema of " + t.name() + " is not JSON Schema: " + e.getMessage());
            }
            if (t.description().isBlank()) problems.add("tools.json: " + t.name() + " has no description");
        }
        Map<String, String> texts = new HashMap<>();
        for (Map.Entry<String, List<Task>> split : splits.entrySet()) {
            Set<String> ids = new HashSet<>();
            for (Task task : split.getValue()) {
                // a held-out task is named by its id only: its words stay unseen, even when its label is wrong
                boolean dev = split.getKey().equals(DEV);
                String where = split.getKey() + " " + task.id() + (dev ? " (\"" + task.name() + "\")" : "");
                if (!ids.add(task.id())) problems.add(where + ": the id is used twice");
                if (!CATEGORIES.contains(task.category()))
                    problems.add(where + ": unknown category " + task.category());
                if (task.name().isBlank()) problems.add(where + ": no name");
                String text = (task.name() + " | " + task.documentation())
                        .toLowerCase(Locale.ROOT)
                        .strip();
                String other = texts.putIfAbsent(text, split.getKey());
                if (other != null && !other.equals(split.getKey()))
                    problems.add(where + ": worded exactly as a task of the " + other + " split");
                checkInstalled(task, where, catalogue, problems);
                String expected = task.expectedTool();
                if (expected == null) {
                    if (!task.expectedArguments().isEmpty())
                        problems.add(where + ": no tool is expected, yet arguments are");
                    continue;
                }
                JsonNode schema = catalogue.schemas().get(expected);
                if (schema == null) {
                    problems.add(where + ": the expected tool " + expected + " is not in tools.json");
                    continue;
                }
                for (Map.Entry<String, List<Object>> argument :
                        task.expectedArguments().entrySet()) {
                    JsonNode property = schema.path("properties").path(argument.getKey());
                    if (property.isMissingNode()) {
                        problems.add(where + ": " + expected + " has no property " + argument.getKey());
                        continue;
                    }
                    if (argument.getValue() == null || argument.getValue().isEmpty()) {
                        problems.add(where + ": no acceptable value for " + argument.getKey());
                        continue;
                    }
                    JsonSchema propertySchema = factory.getSchema(property, config);
                    for (Object value : argument.getValue()) {
                        Set<ValidationMessage> refused = propertySchema.validate(JSON.valueToTree(value));
                        if (!refused.isEmpty())
                            problems.add(where + ": " + expected + "." + argument.getKey()
                                    + (dev ? " = " + value : "") + " does not validate: "
                                    + refused.stream()
                                            .map(ValidationMessage::getMessage)
                                            .sorted()
                                            .toList());
                    }
                }
            }
        }
        return problems;
    }

    private static void checkInstalled(Task task, String where, Catalogue catalogue, List<String> problems) {
        List<String> installed = task.tools();
        String expected = task.expectedTool();
        if (installed != null) {
            for (String name : installed)
                if (catalogue.tool(name) == null)
                    problems.add(where + ": the installed tool " + name + " is not in tools.json");
            if (new HashSet<>(installed).size() != installed.size())
                problems.add(where + ": a tool is installed twice");
            if (expected != null && !installed.contains(expected))
                problems.add(where + ": the expected tool " + expected + " is not installed");
        }
        switch (task.category()) {
            case "simple" -> {
                if (installed == null || installed.size() != 1 || expected == null)
                    problems.add(where + ": a simple task installs exactly the one tool that fits");
            }
            case "multiple" -> {
                if (installed == null || installed.size() < 2 || installed.size() > 4 || expected == null)
                    problems.add(where + ": a multiple task installs 2 to 4 tools, one of which fits");
            }
            case "irrelevance" -> {
                if (installed == null || installed.isEmpty() || installed.size() > 4 || expected != null)
                    problems.add(where + ": an irrelevance task installs 1 to 4 tools, none of which fits");
            }
            case "all" -> {
                if (installed != null) problems.add(where + ": an all task installs every tool (tools: null)");
            }
            case "none-all" -> {
                if (installed != null || expected != null)
                    problems.add(where + ": a none-all task installs every tool (tools: null) and expects none");
            }
            default -> {}
        }
    }

    // ------------------------------------------------------------------------------------------ running

    /** Decides every task with the tools it installs, timing each decision. */
    public static List<Outcome> run(Planner planner, Catalogue catalogue, List<Task> tasks) {
        // the first decision over a set of tools embeds their descriptions, which ProcOS does once per tool: not timed
        planner.decide(new TaskDescription("Warm up the planner", "", Map.of()), catalogue.tools());
        List<Outcome> outcomes = new ArrayList<>();
        for (Task task : tasks) {
            List<ToolDescriptor> installed = task.tools() == null
                    ? catalogue.tools()
                    : task.tools().stream().map(catalogue::tool).toList();
            TaskDescription description = new TaskDescription(task.name(), task.documentation(), task.variables());
            long start = System.nanoTime();
            Decision decision = planner.decide(description, installed);
            double millis = (System.nanoTime() - start) / 1e6;
            outcomes.add(new Outcome(task, decision, millis));
        }
        return outcomes;
    }

    // ------------------------------------------------------------------------------------------ scoring

    /** Null when {@code got} has exactly the expected keys, each with an acceptable value; else what differs. */
    static String argumentProblem(Map<String, Object> got, Map<String, List<Object>> expected) {
        List<String> problems = new ArrayList<>();
        for (String key : expected.keySet()) if (!got.containsKey(key)) problems.add("no " + key);
        for (Map.Entry<String, Object> argument : got.entrySet()) {
            List<Object> acceptable = expected.get(argument.getKey());
            if (acceptable == null) problems.add(argument.getKey() + " not expected");
            else if (acceptable.stream().noneMatch(a -> matches(argument.getValue(), a)))
                problems.add(argument.getKey() + " wrong");
        }
        return problems.isEmpty() ? null : String.join(", ", problems);
    }

    /** Numbers within 1e-6 relative, strings trimmed and case-insensitive, lists and objects element by element. */
    static boolean matches(Object got, Object expected) {
        if (got instanceof Object[] array) got = Arrays.asList(array);
        if (expected == null) return got == null;
        if (expected instanceof Number e) {
            if (!(got instanceof Number g)) return false;
            double a = g.doubleValue(), b = e.doubleValue();
            return a == b || Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
        }
        if (expected instanceof String e)
            return got instanceof String g && g.strip().equalsIgnoreCase(e.strip());
        if (expected instanceof Boolean e) return e.equals(got);
        if (expected instanceof List<?> e) {
            if (!(got instanceof List<?> g) || g.size() != e.size()) return false;
            for (int i = 0; i < e.size(); i++) if (!matches(g.get(i), e.get(i))) return false;
            return true;
        }
        if (expected instanceof Map<?, ?> e) {
            if (!(got instanceof Map<?, ?> g) || !g.keySet().equals(e.keySet())) return false;
            for (Map.Entry<?, ?> entry : e.entrySet())
                if (!matches(g.get(entry.getKey()), entry.getValue())) return false;
            return true;
        }
        return expected.equals(got);
    }

    public static Figures figures(String split, String category, List<Outcome> outcomes) {
        int n = outcomes.size();
        int right = 0, decidedNone = 0, decidedNoneRightly = 0, expectedNone = 0, scored = 0, argumentsRight = 0;
        for (Outcome o : outcomes) {
            if (o.toolRight()) right++;
            if (o.decision().tool() == null) {
                decidedNone++;
                if (o.task().expectedTool() == null) decidedNoneRightly++;
            }
            if (o.task().expectedTool() == null) expectedNone++;
            if (o.argumentsScored()) {
                scored++;
                if (o.argumentProblem() == null) argumentsRight++;
            }
        }
        double[] millis =
                outcomes.stream().mapToDouble(Outcome::millis).sorted().toArray();
        return new Figures(
                split,
                category,
                n,
                ratio(right, n),
                ratio(decidedNoneRightly, decidedNone),
                ratio(decidedNoneRightly, expectedNone),
                ratio(argumentsRight, scored),
                scored,
                percentile(millis, 50),
                percentile(millis, 99));
    }

    /** The figures of a split: every category, then all of them together (category "total"). */
    public static List<Figures> figures(String split, List<Outcome> outcomes) {
        List<Figures> out = new ArrayList<>();
        for (String category : CATEGORIES) {
            List<Outcome> of = outcomes.stream()
                    .filter(o -> o.task().category().equals(category))
                    .toList();
            if (!of.isEmpty()) out.add(figures(split, category, of));
        }
        out.add(figures(split, "total", outcomes));
        return out;
    }

    private static double ratio(int a, int b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }

    /** Nearest rank. */
    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    // ------------------------------------------------------------------------------------------ printing

    public static String table(List<Figures> figures) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "%-8s %-12s %5s %7s %9s %9s %7s %6s %8s %8s%n",
                "split",
                "category",
                "tasks",
                "top-1",
                "none-P",
                "none-R",
                "AST",
                "(of)",
                "p50 ms",
                "p99 ms"));
        for (Figures f : figures) {
            s.append(String.format(
                    Locale.ROOT,
                    "%-8s %-12s %5d %7s %9s %9s %7s %6d %8.1f %8.1f%n",
                    f.split(),
                    f.category(),
                    f.tasks(),
                    share(f.top1()),
                    share(f.noToolPrecision()),
                    share(f.noToolRecall()),
                    share(f.ast()),
                    f.astScored(),
                    f.p50Millis(),
                    f.p99Millis()));
        }
        return s.toString();
    }

    private static String share(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.3f", x);
    }

    /**
     * The misses, task by task, with the kinds of miss counted first. Only ever for the dev split: the held-out
     * split's tasks stay unseen by whoever improves the planner.
     */
    public static String devMisses(List<Outcome> devOutcomes) {
        for (Outcome o : devOutcomes)
            if (!o.task().id().startsWith("d"))
                throw new IllegalArgumentException("misses are listed for the dev split only, not "
                        + o.task().id());
        Map<String, Integer> kinds = new TreeMap<>();
        StringBuilder lines = new StringBuilder();
        for (Outcome o : devOutcomes) {
            String miss = o.miss();
            if (miss == null) continue;
            kinds.merge(miss, 1, Integer::sum);
            Task t = o.task();
            lines.append(String.format(
                    Locale.ROOT,
                    "%s [%s] %s%s%n    expected %s, got %s%s%n    rationale: %s%n",
                    t.id(),
                    t.category(),
                    t.name(),
                    t.documentation().isBlank() ? "" : " | " + truncate(t.documentation(), 120),
                    t.expectedTool() == null ? "no tool" : t.expectedTool(),
                    o.decision().tool() == null ? "no tool" : o.decision().tool(),
                    miss.equals("the right tool, wrong arguments") ? " (" + o.argumentProblem() + ")" : "",
                    truncate(o.decision().rationale(), 160)));
            if (t.expectedTool() != null
                    && (o.decision().tool() != null || !t.expectedArguments().isEmpty())) {
                lines.append("    arguments got      ")
                        .append(truncate(json(o.decision().arguments()), 300))
                        .append('\n');
                lines.append("    arguments expected ")
                        .append(truncate(json(t.expectedArguments()), 300))
                        .append('\n');
            }
        }
        StringBuilder s = new StringBuilder("dev misses by kind: ");
        s.append(kinds.isEmpty() ? "none" : kinds.toString()).append('\n').append(lines);
        return s.toString();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            return String.valueOf(value);
        }
    }

    private static String truncate(String s, int max) {
        if (s == null) return "";
        s = s.replace('\n', ' ');
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    // ------------------------------------------------------------------------------------------ the whole evaluation

    /** The outcomes of each split asked for, in order: dev, then heldout. */
    public static Map<String, List<Outcome>> evaluate(Planner planner, Catalogue catalogue, List<String> splits) {
        Map<String, List<Outcome>> out = new LinkedHashMap<>();
        for (String split : splits) out.put(split, run(planner, catalogue, loadTasks(split)));
        return out;
    }

    /** {@code dev}, {@code heldout} or {@code both} (the default). */
    public static void main(String[] args) {
        String which = args.length == 0 ? "both" : args[0];
        List<String> splits =
                switch (which) {
                    case DEV -> List.of(DEV);
                    case HELDOUT -> List.of(HELDOUT);
                    case "both" -> List.of(DEV, HELDOUT);
                    default -> throw new IllegalArgumentException("usage: PlannerEvaluation dev|heldout|both");
                };
        Catalogue catalogue = loadCatalogue();
        Map<String, List<Task>> data = new LinkedHashMap<>();
        for (String split : List.of(DEV, HELDOUT)) data.put(split, loadTasks(split));
        List<String> problems = dataProblems(catalogue, data);
        if (!problems.isEmpty()) {
            System.err.println("the evaluation data has problems:\n  " + String.join("\n  ", problems));
            System.exit(2);
        }
        Planner planner = new SemanticPlanner(Embedders.offline());
        System.out.println(
                "planner: " + planner.name() + "; " + catalogue.tools().size() + " tools");
        Map<String, List<Outcome>> outcomes = evaluate(planner, catalogue, splits);
        List<Figures> figures = new ArrayList<>();
        outcomes.forEach((split, o) -> figures.addAll(figures(split, o)));
        System.out.print(table(figures));
        if (outcomes.containsKey(DEV)) System.out.print(devMisses(outcomes.get(DEV)));
    }
}
