package io.procos.llm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.embedding.onnx.e5smallv2q.E5SmallV2QuantizedEmbeddingModel;
import io.procos.api.llm.TextEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The in-process embedding models side by side: load time, memory, latency, throughput, and how well each picks
 * the right tool for a task by meaning alone: all-MiniLM-L6-v2 and bge-small-en-v1.5 (the bundle's two), and
 * e5-small-v2 (quantized, a test dependency only) for comparison. Each model runs in a JVM of its own (so memory
 * and load time are its own); with {@code --runs N} the models take turns N times and every measured time or
 * size is the median (and range) of the N runs.
 *
 * <p>Accuracy is pure retrieval, as the offline planner ranks tools before it looks at arguments: a task's text
 * (name and documentation, without quoted text, code and what follows a colon, as SemanticPlanner embeds it) is
 * compared with every sentence of every tool's description (each prefixed with the tool's name, as
 * SemanticPlanner.sentences does); the tool with the closest sentence is the pick. Sets: the labelled planner set
 * ({@code bench/planner/labelled-tasks.json}, the 8 built-in tools read from their sources) and, when present, the
 * dev split of {@code procos.tde/src/test/resources/planner/} (its held-out split is scored only as a total: its
 * items are never printed). For tasks no tool fits, the closest score should be lower than for tasks one does:
 * "separation" is the chance that a fitting task scores above a task without a tool (1.0: a threshold can tell
 * them apart perfectly).
 *
 * <p>Run from the repository's root: {@code mvn -B -o -q test-compile -pl procos.llm && mvn -B -o -q
 * dependency:build-classpath -pl procos.llm -Dmdep.outputFile=target/test.classpath && java -cp
 * procos.llm/target/test-classes:procos.llm/target/classes:$(cat procos.llm/target/test.classpath)
 * io.procos.llm.internal.EmbedderComparison --runs 3} (model ids as further arguments: only those).
 */
public final class EmbedderComparison {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A model and the ways of putting texts to it that are measured (instructions before tasks and tools). */
    record Model(String id, List<Variant> variants) {}

    /** How texts are put to a model: a column of the accuracy tables. */
    record Variant(String label, String task, String tool) {}

    static final List<Model> MODELS = List.of(
            new Model(MiniLmEmbedder.ID, List.of(new Variant("MiniLM", "", ""))),
            new Model(
                    BgeSmallEmbedder.ID,
                    List.of(
                            new Variant("BGE", "", ""),
                            // BGE's instruction before the task only (the tools' sentences are the passages)
                            new Variant("BGE+instruction", BgeSmallEmbedder.QUERY_INSTRUCTION, ""))),
            // not in the bundle: a third model for comparison (e5 wants "query: "/"passage: " before its texts)
            new Model(
                    "e5-small-v2",
                    List.of(
                            new Variant("e5 query/query", "query: ", "query: "),
                            new Variant("e5 query/passage", "query: ", "passage: "))));

    static TextEmbedder create(String id) {
        if (id.equals("e5-small-v2"))
            return new InProcessEmbedder(
                    "e5-small-v2, quantized (in process, ONNX)", 384, E5SmallV2QuantizedEmbeddingModel::new) {};
        return EmbedderComponent.create(id);
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--child")) {
            System.out.println("RESULT " + JSON.writeValueAsString(measure(args[1], Path.of(args[2]))));
            return;
        }
        Path root = root();
        Path work = Files.createDirectories(root.resolve("procos.llm/target/embedder-comparison"));
        int runs = 1;
        List<String> only = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--runs")) runs = Integer.parseInt(args[++i]);
            else only.add(args[i]);
        }
        // the models take turns, run after run: a busy moment of the machine then hurts no model alone
        Map<String, List<Map<String, Object>>> runsByModel = new LinkedHashMap<>();
        for (int run = 1; run <= runs; run++)
            for (Model m : MODELS) {
                if (!only.isEmpty() && !only.contains(m.id())) continue;
                System.err.printf("run %d of %d: %s ...%n", run, runs, m.id());
                runsByModel.computeIfAbsent(m.id(), k -> new ArrayList<>()).add(child(m.id(), root, work));
            }
        List<Map<String, Object>> results = new ArrayList<>();
        for (List<Map<String, Object>> r : runsByModel.values()) results.add(combined(r));
        print(results, runs);
    }

    /** The first run's figures, with each measured number the median of all runs (and their range). */
    private static Map<String, Object> combined(List<Map<String, Object>> runs) {
        Map<String, Object> out = new LinkedHashMap<>(runs.get(0));
        if (runs.size() == 1) return out;
        for (String key : PERFORMANCE) {
            double[] xs = runs.stream()
                    .mapToDouble(r -> ((Number) r.get(key)).doubleValue())
                    .sorted()
                    .toArray();
            double median = xs.length % 2 == 1 ? xs[xs.length / 2] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2;
            out.put(key, String.format(Locale.ROOT, "%s (%s-%s)", num(median), num(xs[0]), num(xs[xs.length - 1])));
        }
        return out;
    }

    private static String num(double x) {
        return x >= 100 ? String.valueOf(Math.round(x)) : String.format(Locale.ROOT, "%.1f", x);
    }

    static final List<String> PERFORMANCE = List.of(
            "load ms",
            "first embedding ms",
            "heap growth after load MB",
            "RSS growth after load MB",
            "RSS growth after the run MB",
            "peak RSS growth MB (VmHWM)",
            "embed p50 ms (short, uncached)",
            "embed p99 ms (short, uncached)",
            "embedAll(64) sentences/s",
            "decision p50 ms (cached tools)",
            "decision p99 ms (cached tools)");

    // ---- the parent: one JVM per model, then the table

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(String id, Path root, Path work) throws Exception {
        Path tmp = Files.createDirectories(work.resolve("tmp-" + id));
        Path log = work.resolve(id + ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-Djava.io.tmpdir=" + tmp, // onnxruntime unpacks its library there and leaves it
                        "-cp",
                        System.getProperty("java.class.path"),
                        EmbedderComparison.class.getName(),
                        "--child",
                        id,
                        root.toString())
                .redirectError(log.toFile());
        pb.environment().put("DJL_CACHE_DIR", work.resolve("djl").toString());
        Process p = pb.start();
        String result = null;
        for (String line : new String(p.getInputStream().readAllBytes()).split("\n"))
            if (line.startsWith("RESULT ")) result = line.substring(7);
        if (p.waitFor() != 0 || result == null)
            throw new IllegalStateException(id + " failed (exit " + p.exitValue() + "), see " + log);
        try (Stream<Path> files = Files.walk(tmp)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        return JSON.readValue(result, LinkedHashMap.class);
    }

    @SuppressWarnings("unchecked")
    private static void print(List<Map<String, Object>> results, int runs) {
        int width = 24;
        StringBuilder head = new StringBuilder(String.format("%-44s", ""));
        for (Map<String, Object> r : results) head.append(String.format("%" + width + "s", r.get("id")));
        System.out.println(head);
        Map<String, Object> first = results.get(0);
        for (String key : PERFORMANCE) {
            StringBuilder row = new StringBuilder(String.format("%-44s", key));
            for (Map<String, Object> r : results) row.append(String.format("%" + width + "s", r.get(key)));
            System.out.println(row);
        }
        // accuracy: one block per set, one row per measure, every variant of every model a column
        List<String> sets = new ArrayList<>();
        for (Map<String, Object> r : results)
            for (Map<String, Object> v : (List<Map<String, Object>>) r.get("variants"))
                for (String set : ((Map<String, Object>) v.get("sets")).keySet())
                    if (!sets.contains(set)) sets.add(set);
        for (String set : sets) {
            System.out.println();
            StringBuilder names = new StringBuilder(String.format("%-44s", set));
            List<Map<String, Object>> columns = new ArrayList<>();
            for (Map<String, Object> r : results)
                for (Map<String, Object> v : (List<Map<String, Object>>) r.get("variants")) {
                    names.append(String.format("%" + width + "s", v.get("label")));
                    columns.add((Map<String, Object>) ((Map<String, Object>) v.get("sets")).get(set));
                }
            System.out.println(names);
            List<String> keys = new ArrayList<>();
            for (Map<String, Object> c : columns)
                if (c != null)
                    c.keySet().forEach(k -> {
                        if (!keys.contains(k) && !k.equals("misses")) keys.add(k);
                    });
            keys.remove("hits");
            for (String key : keys) {
                StringBuilder row = new StringBuilder(String.format("%-44s", "  " + key));
                for (Map<String, Object> c : columns)
                    row.append(String.format("%" + width + "s", c == null || c.get(key) == null ? "-" : c.get(key)));
                System.out.println(row);
            }
            // against the first column, task by task: right only there / right only here, exact McNemar p
            StringBuilder row = new StringBuilder(String.format("%-44s", "  vs first: only it / only this (p)"));
            String base =
                    columns.get(0) == null ? null : (String) columns.get(0).get("hits");
            for (Map<String, Object> c : columns) {
                String h = c == null ? null : (String) c.get("hits");
                String cell = "-";
                if (base != null && h != null && h.length() == base.length() && c != columns.get(0)) {
                    int lost = 0, won = 0;
                    for (int k = 0; k < h.length(); k++) {
                        if (base.charAt(k) == '1' && h.charAt(k) == '0') lost++;
                        if (base.charAt(k) == '0' && h.charAt(k) == '1') won++;
                    }
                    cell = String.format(Locale.ROOT, "%d / %d (p %.2f)", lost, won, mcNemar(lost, won));
                }
                row.append(String.format("%" + width + "s", cell));
            }
            System.out.println(row);
        }
        System.out.println();
        for (Map<String, Object> r : results)
            for (Map<String, Object> v : (List<Map<String, Object>>) r.get("variants"))
                for (Map.Entry<String, Object> s : ((Map<String, Object>) v.get("sets")).entrySet()) {
                    Object misses = ((Map<String, Object>) s.getValue()).get("misses");
                    if (misses instanceof List<?> l && !l.isEmpty()) {
                        System.out.printf("misses, %s, %s:%n", s.getKey(), v.get("label"));
                        l.forEach(m -> System.out.println("  " + m));
                    }
                }
        System.out.println("\n(" + first.get("cores") + " cores; "
                + (runs == 1 ? "one run" : "median (range) of " + runs + " runs, models taking turns")
                + "; separation = P(best score of a fitting task"
                + " > best score of a task no tool fits); threshold-fitted accuracy counts \"no tool\" as right for"
                + " the tasks no tool fits, the threshold fitted on the same set; vs first: tasks only the first column"
                + " gets right / only this one, with the exact McNemar p of so uneven a split)");
    }

    // ---- the child: one model

    private static Map<String, Object> measure(String id, Path root) throws Exception {
        Model model = MODELS.stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
        List<Tool> builtIn = builtInTools(root);
        Map<String, TaskSet> sets = new LinkedHashMap<>();
        sets.put("labelled-tasks.json (8 built-in tools)", labelled(root, builtIn));
        Path planner = root.resolve("procos.tde/src/test/resources/planner");
        if (Files.exists(planner.resolve("tasks-dev.json")) && Files.exists(planner.resolve("tools.json"))) {
            List<Tool> tools = tools(JSON.readTree(planner.resolve("tools.json").toFile()));
            sets.put("tasks-dev.json", split(planner.resolve("tasks-dev.json"), tools, true));
            if (Files.exists(planner.resolve("tasks-heldout.json")))
                sets.put(
                        "tasks-heldout.json (totals only)", split(planner.resolve("tasks-heldout.json"), tools, false));
        }
        List<String> sentences = shortSentences();

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("cores", Runtime.getRuntime().availableProcessors());
        settle();
        long heap0 = heapUsed();
        long rss0 = rssKb("VmRSS:");
        long peak0 = rssKb("VmHWM:");
        long a = System.nanoTime();
        TextEmbedder embedder = create(id);
        long b = System.nanoTime();
        embedder.embed("warm up");
        long c = System.nanoTime();
        settle();
        out.put("model", embedder.model());
        out.put("load ms", Math.round((b - a) / 1e6));
        out.put("first embedding ms", round((c - b) / 1e6, 1));
        out.put("heap growth after load MB", Math.round((heapUsed() - heap0) / 1048576.0));
        out.put("RSS growth after load MB", Math.round((rssKb("VmRSS:") - rss0) / 1024.0));

        // latency of one short text never seen before, after 100 to warm up
        int next = 0;
        for (int i = 0; i < 100; i++) embedder.embed(sentences.get(next++));
        long[] single = new long[400];
        for (int i = 0; i < single.length; i++) {
            String s = sentences.get(next++);
            long t0 = System.nanoTime();
            embedder.embed(s);
            single[i] = System.nanoTime() - t0;
        }
        out.put("embed p50 ms (short, uncached)", round(percentile(single, 50), 2));
        out.put("embed p99 ms (short, uncached)", round(percentile(single, 99), 2));
        // batches of 64 texts never seen before
        embedder.embedAll(sentences.subList(next, next += 64));
        long batchNanos = 0;
        int batches = 6;
        for (int i = 0; i < batches; i++) {
            List<String> batch = sentences.subList(next, next += 64);
            long t0 = System.nanoTime();
            embedder.embedAll(batch);
            batchNanos += System.nanoTime() - t0;
        }
        out.put("embedAll(64) sentences/s", Math.round(batches * 64 / (batchNanos / 1e9)));
        // a planner decision by meaning with the tools' vectors known: the task's text embedded, then compared
        TaskSet labelled = sets.values().iterator().next();
        Map<Tool, List<float[]>> toolVectors = vectors(embedder, labelled.tools(), "");
        long[] decision = new long[labelled.tasks().size()];
        for (int i = 0; i < decision.length; i++) {
            long t0 = System.nanoTime();
            best(embedder.embed(labelled.tasks().get(i).text()), toolVectors, labelled.tools());
            decision[i] = System.nanoTime() - t0;
        }
        out.put("decision p50 ms (cached tools)", round(percentile(decision, 50), 2));
        out.put("decision p99 ms (cached tools)", round(percentile(decision, 99), 2));

        List<Object> variants = new ArrayList<>();
        for (Variant v : model.variants()) {
            Map<String, Object> scored = new LinkedHashMap<>();
            Double fitted = null; // the dev split's best threshold, applied to the held-out split
            for (Map.Entry<String, TaskSet> set : sets.entrySet()) {
                Map<String, Object> r = accuracy(embedder, v, set.getValue(), fitted);
                if (set.getKey().equals("tasks-dev.json")) fitted = (Double) r.get("fitted threshold");
                scored.put(set.getKey(), r);
            }
            Map<String, Object> variant = new LinkedHashMap<>();
            variant.put("label", v.label());
            variant.put("sets", scored);
            variants.add(variant);
        }
        out.put("variants", variants);
        settle();
        out.put("RSS growth after the run MB", Math.round((rssKb("VmRSS:") - rss0) / 1024.0));
        out.put("peak RSS growth MB (VmHWM)", Math.round((rssKb("VmHWM:") - peak0) / 1024.0));
        return out;
    }

    record Tool(String name, String description) {}

    record Task(String text, String expected, List<Tool> offered, String category) {}

    record TaskSet(List<Tool> tools, List<Task> tasks, boolean showItems) {}

    private static Map<String, Object> accuracy(TextEmbedder embedder, Variant v, TaskSet set, Double given) {
        Map<Tool, List<float[]>> vectors = vectors(embedder, set.tools(), v.tool());
        int fitting = 0, right = 0;
        List<Double> fitBest = new ArrayList<>(), noneBest = new ArrayList<>();
        List<double[]> all = new ArrayList<>(); // best score, 1 if its tool is right, 1 if a tool fits
        List<String> misses = new ArrayList<>();
        StringBuilder hits = new StringBuilder(); // per task a tool fits: 1 right, 0 wrong (for the pairwise test)
        List<float[]> taskVectors = new ArrayList<>();
        Map<String, int[]> byCategory =
                new java.util.TreeMap<>(); // right, fitting, sum of no-tool best * 1000, no tool
        for (Task t : set.tasks()) {
            float[] task = embedder.embed(v.task() + t.text());
            taskVectors.add(task);
            Scored s = best(task, vectors, t.offered());
            if (t.expected() != null) {
                fitting++;
                fitBest.add(s.score);
                boolean hit = s.tool.name().equals(t.expected());
                hits.append(hit ? '1' : '0');
                if (hit) right++;
                if (t.category() != null) {
                    int[] c = byCategory.computeIfAbsent(t.category(), k -> new int[4]);
                    c[0] += hit ? 1 : 0;
                    c[1]++;
                } else if (set.showItems())
                    misses.add(String.format(
                            Locale.ROOT,
                            "%-60s expected %-16s got %s (%.3f)",
                            cut(t.text(), 60),
                            t.expected(),
                            s.tool.name(),
                            s.score));
                all.add(new double[] {s.score, hit ? 1 : 0, 1});
            } else {
                noneBest.add(s.score);
                all.add(new double[] {s.score, 0, 0});
                if (t.category() != null) {
                    int[] c = byCategory.computeIfAbsent(t.category(), k -> new int[4]);
                    c[2] += (int) Math.round(s.score * 1000);
                    c[3]++;
                }
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put(
                "top-1 (tasks a tool fits)",
                String.format(Locale.ROOT, "%d/%d = %.1f%%", right, fitting, 100.0 * right / fitting));
        r.put("hits", hits.toString());
        byCategory.forEach((category, c) -> {
            if (c[1] > 0)
                r.put(
                        "  top-1, " + category + " (" + c[1] + ")",
                        String.format(Locale.ROOT, "%.1f%%", 100.0 * c[0] / c[1]));
            if (c[3] > 0)
                r.put(
                        "  mean best score, " + category + " (" + c[3] + ", no tool fits)",
                        round(c[2] / 1000.0 / c[3], 3));
        });
        if (!noneBest.isEmpty()) {
            r.put("mean best score, fitting", round(mean(fitBest), 3));
            r.put("mean best score, no tool fits", round(mean(noneBest), 3));
            r.put("separation (AUC)", round(auc(fitBest, noneBest), 3));
            double[] fit = bestThreshold(all);
            r.put("fitted threshold", round(fit[0], 3));
            r.put("accuracy, fitted threshold", String.format(Locale.ROOT, "%.1f%% of %d", 100 * fit[1], all.size()));
            // each task judged with the threshold fitted on all the others: what fitting it is worth on new tasks
            int loo = 0;
            for (int k = 0; k < all.size(); k++) {
                List<double[]> others = new ArrayList<>(all);
                others.remove(k);
                if (accuracyAt(List.of(all.get(k)), bestThreshold(others)[0]) == 1) loo++;
            }
            r.put("accuracy, threshold leave-one-out", String.format(Locale.ROOT, "%.1f%%", 100.0 * loo / all.size()));
            r.put("accuracy, threshold 0.16", String.format(Locale.ROOT, "%.1f%%", 100 * accuracyAt(all, 0.16)));
            if (given != null)
                r.put(
                        "accuracy, dev's fitted threshold",
                        String.format(Locale.ROOT, "%.1f%%", 100 * accuracyAt(all, given)));
        }
        // precedents and reused samples count at cosine >= 0.9 as "the same task": how often are two tasks
        // for different tools (or one for none) that close?
        int pairs = 0, close = 0;
        double closest = -1;
        for (int a = 0; a < taskVectors.size(); a++)
            for (int b = a + 1; b < taskVectors.size(); b++) {
                if (java.util.Objects.equals(
                        set.tasks().get(a).expected(), set.tasks().get(b).expected())) continue;
                double c = dot(taskVectors.get(a), taskVectors.get(b));
                pairs++;
                if (c >= 0.9) close++;
                closest = Math.max(closest, c);
            }
        r.put("task pairs, different tools, cos >= 0.9", close + " of " + pairs);
        r.put("closest such pair", round(closest, 3));
        r.put("misses", misses);
        return r;
    }

    record Scored(Tool tool, double score) {}

    private static Scored best(float[] task, Map<Tool, List<float[]>> vectors, List<Tool> offered) {
        Scored best = null;
        for (Tool tool : offered) {
            double score = -1;
            for (float[] s : vectors.get(tool)) score = Math.max(score, dot(task, s));
            if (best == null || score > best.score) best = new Scored(tool, score);
        }
        return best;
    }

    private static Map<Tool, List<float[]>> vectors(TextEmbedder embedder, List<Tool> tools, String prefix) {
        Map<Tool, List<float[]>> out = new LinkedHashMap<>();
        for (Tool t : tools)
            out.put(
                    t,
                    embedder.embedAll(sentences(t).stream().map(s -> prefix + s).toList()));
        return out;
    }

    /** As SemanticPlanner.sentences: the whole description and each of its sentences, after the tool's name. */
    static List<String> sentences(Tool tool) {
        String name = tool.name().replace('.', ' ').replace('_', ' ');
        List<String> out = new ArrayList<>();
        out.add(name + ": " + tool.description());
        for (String sentence : tool.description().split("(?<=[.!?])\\s+"))
            if (!sentence.isBlank()) out.add(name + ": " + sentence.strip());
        return out;
    }

    // as SemanticPlanner: quoted text and code say what to work on, not what to do
    private static final Pattern QUOTED = Pattern.compile("[\"“']([^\"”']{1,2000})[\"”']");
    private static final Pattern BACKTICKS = Pattern.compile("`([^`]{1,2000})`");
    private static final Pattern AFTER_COLON = Pattern.compile(":\\s+(\\S.{0,100000})$", Pattern.DOTALL);

    /** What SemanticPlanner embeds of a task (TaskDescription.text(), without what it works on). */
    static String plannerText(String name, String documentation) {
        String text = documentation == null || documentation.isBlank() ? name : name + ". " + documentation;
        String what = AFTER_COLON
                .matcher(BACKTICKS.matcher(QUOTED.matcher(text).replaceAll("")).replaceAll(""))
                .replaceAll("");
        return what.isBlank() ? text : what;
    }

    // ---- the sets

    private static final Pattern NAME = Pattern.compile("String name\\(\\)\\s*\\{\\s*return\\s+\"([^\"]+)\"\\s*;");
    private static final Pattern DESCRIPTION = Pattern.compile(
            "String description\\(\\)\\s*\\{\\s*return\\s+((?:\"(?:[^\"\\\\]|\\\\.)*\"\\s*\\+?\\s*)+);");
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The built-in tools' names and descriptions, from their sources (procos.tools.*). */
    static List<Tool> builtInTools(Path root) throws IOException {
        List<Tool> tools = new ArrayList<>();
        List<Path> sources;
        try (Stream<Path> dirs = Files.list(root)) {
            sources = dirs.filter(d -> d.getFileName().toString().startsWith("procos.tools."))
                    .flatMap(d -> {
                        try {
                            return Files.walk(d.resolve("src/main/java"))
                                    .filter(f -> f.toString().endsWith(".java"))
                                    .toList()
                                    .stream();
                        } catch (IOException e) {
                            return Stream.empty();
                        }
                    })
                    .sorted()
                    .toList();
        }
        for (Path source : sources) {
            String java = Files.readString(source);
            Matcher n = NAME.matcher(java), d = DESCRIPTION.matcher(java);
            while (n.find() && d.find()) {
                StringBuilder text = new StringBuilder();
                for (Matcher l = LITERAL.matcher(d.group(1)); l.find(); )
                    text.append(l.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
                tools.add(new Tool(n.group(1), text.toString()));
            }
        }
        if (tools.size() != 8) throw new IllegalStateException("expected the 8 built-in tools, found " + tools);
        return tools;
    }

    private static TaskSet labelled(Path root, List<Tool> tools) throws IOException {
        List<Task> tasks = new ArrayList<>();
        for (JsonNode t :
                JSON.readTree(root.resolve("bench/planner/labelled-tasks.json").toFile())) {
            String expected = t.path("tool").isTextual() ? t.path("tool").asText() : null;
            tasks.add(new Task(
                    plannerText(t.path("name").asText(), t.path("documentation").asText()), expected, tools, null));
        }
        return new TaskSet(tools, tasks, true);
    }

    /** tools.json: a list of tools (or {"tools": [...]}) with name and description. */
    private static List<Tool> tools(JsonNode node) {
        JsonNode list = node.isArray() ? node : node.path("tools");
        List<Tool> tools = new ArrayList<>();
        for (JsonNode t : list)
            tools.add(new Tool(t.path("name").asText(), t.path("description").asText()));
        return tools;
    }

    /** A split: {name, documentation, tools (the names offered, all when absent), expected: {tool}}. */
    private static TaskSet split(Path file, List<Tool> tools, boolean showItems) throws IOException {
        Map<String, Tool> byName = new LinkedHashMap<>();
        tools.forEach(t -> byName.put(t.name(), t));
        List<Task> tasks = new ArrayList<>();
        List<Tool> used = new ArrayList<>(tools);
        JsonNode root = JSON.readTree(file.toFile());
        for (JsonNode t : root.isArray() ? root : root.path("tasks")) {
            List<Tool> offered = new ArrayList<>();
            if (t.path("tools").isArray()) {
                for (JsonNode o : t.path("tools")) {
                    Tool tool = o.isTextual()
                            ? byName.get(o.asText())
                            : new Tool(
                                    o.path("name").asText(),
                                    o.path("description").asText());
                    if (tool == null) throw new IllegalStateException(file + ": a task offers an unknown tool");
                    if (!used.contains(tool)) used.add(tool);
                    offered.add(tool);
                }
            } else offered.addAll(tools);
            JsonNode expected =
                    t.path("expected").isObject() ? t.path("expected").path("tool") : t.path("tool");
            tasks.add(new Task(
                    plannerText(t.path("name").asText(), t.path("documentation").asText()),
                    expected.isTextual() ? expected.asText() : null,
                    offered,
                    t.path("category").isTextual() ? t.path("category").asText() : null));
        }
        return new TaskSet(used, tasks, showItems);
    }

    /** Short task-like sentences, all different. */
    static List<String> shortSentences() {
        String[] verbs = {
            "Compute",
            "Validate",
            "Export",
            "Import",
            "Summarise",
            "Translate",
            "Schedule",
            "Archive",
            "Encrypt",
            "Compress",
            "Forecast",
            "Reconcile",
            "Classify",
            "Render",
            "Upload",
            "Monitor"
        };
        String[] objects = {
            "the invoices",
            "the shipping labels",
            "the sensor readings",
            "the purchase orders",
            "the payroll records",
            "the CAD drawings",
            "the customer emails",
            "the stock levels",
            "the test reports",
            "the spreadsheets",
            "the contracts",
            "the images",
            "the log files"
        };
        String[] domains = {
            "for the warehouse",
            "for finance",
            "for the trading desk",
            "for engineering",
            "for the supply chain",
            "for customer service",
            "for quality assurance",
            "for the legal team"
        };
        List<String> out = new ArrayList<>();
        for (String v : verbs) for (String o : objects) for (String d : domains) out.add(v + " " + o + " " + d);
        Collections.shuffle(out, new Random(42));
        return out;
    }

    // ---- numbers

    /** Two-sided exact McNemar test: the chance of a split at least this uneven if both were equally good. */
    private static double mcNemar(int b, int c) {
        int n = b + c;
        if (n == 0) return 1;
        double tail = 0;
        for (int k = 0; k <= Math.min(b, c); k++) tail += binomial(n, k);
        return Math.min(1, 2 * tail / Math.pow(2, n));
    }

    private static double binomial(int n, int k) {
        double r = 1;
        for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
        return r;
    }

    private static double auc(List<Double> positive, List<Double> negative) {
        double wins = 0;
        for (double p : positive) for (double n : negative) wins += p > n ? 1 : p == n ? 0.5 : 0;
        return wins / (positive.size() * (double) negative.size());
    }

    /** The threshold that gets most tasks right: a pick below it is "no tool". */
    private static double[] bestThreshold(List<double[]> all) {
        double bestT = 0, bestAcc = -1;
        List<Double> candidates = new ArrayList<>();
        for (double[] s : all) candidates.add(s[0]);
        candidates.add(2.0);
        for (double t : candidates) {
            double acc = accuracyAt(all, t);
            if (acc > bestAcc) {
                bestAcc = acc;
                bestT = t;
            }
        }
        return new double[] {bestT, bestAcc};
    }

    private static double accuracyAt(List<double[]> all, double threshold) {
        int right = 0;
        for (double[] s : all) {
            boolean picks = s[0] >= threshold;
            if (picks ? s[1] == 1 : s[2] == 0) right++;
        }
        return right / (double) all.size();
    }

    private static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double percentile(long[] nanos, int p) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)] / 1e6;
    }

    private static double round(double x, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(x * f) / f;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static String cut(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    private static void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
    }

    private static long heapUsed() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** VmRSS (resident now) or VmHWM (the most resident so far) from /proc/self/status, in KB. */
    private static long rssKb(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith(field)) return Long.parseLong(line.replaceAll("\\D", ""));
        return -1;
    }

    private static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.exists(p.resolve("bench/planner/labelled-tasks.json"))) return p;
        throw new IllegalStateException("run it inside the repository (bench/planner/labelled-tasks.json not found)");
    }
}
