package io.procos.tde.internal;

import io.procos.api.llm.TextEmbedder;
import io.procos.api.tde.TaskDescription;
import io.procos.api.tool.ToolDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Decision latency of the offline SemanticPlanner with 10, 100 and 1,000 tools in the catalogue,
 * beside the floor every decision pays in the same run: embedding the task's words alone.
 * Tools are generated (verb, object, domain); their vectors are computed once, as in ProcOS.
 */
public final class PlannerBenchmark {

    private static final String[] VERBS = {
        "Computes",
        "Validates",
        "Exports",
        "Imports",
        "Summarises",
        "Translates",
        "Schedules",
        "Archives",
        "Encrypts",
        "Compresses",
        "Forecasts",
        "Reconciles",
        "Classifies",
        "Renders",
        "Uploads",
        "Monitors"
    };
    private static final String[] OBJECTS = {
        "invoices",
        "shipping labels",
        "sensor readings",
        "purchase orders",
        "payroll records",
        "CAD drawings",
        "customer emails",
        "stock levels",
        "test reports",
        "spreadsheets",
        "contracts",
        "images",
        "log files"
    };
    private static final String[] DOMAINS = {
        "for the warehouse",
        "for finance",
        "for the trading desk",
        "for engineering",
        "for the supply chain",
        "for customer service",
        "for quality assurance",
        "for the legal team"
    };

    public static void main(String[] args) {
        int decisions = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        TextEmbedder embedder = io.procos.api.testing.Embedders.offline();
        SemanticPlanner planner = new SemanticPlanner(embedder);
        List<TaskDescription> tasks = List.of(
                new TaskDescription(
                        "Reconcile the invoices with the bank statement", "for finance, November", Map.of()),
                new TaskDescription("Forecast next month's stock levels", "for the warehouse", Map.of()),
                new TaskDescription("Render the CAD drawings as images", "for engineering", Map.of()),
                new TaskDescription("Call the customer and apologise", "Phone Mrs. Miller", Map.of()));
        System.out.printf(
                "SemanticPlanner decision latency, %d decisions per size (%s)%n", decisions, embedder.model());
        System.out.printf("%-10s %18s %18s %22s%n", "tools", "decision p50", "decision p99", "task embedding p50");
        for (int size : new int[] {10, 100, 1000}) {
            List<ToolDescriptor> tools = tools(size);
            for (TaskDescription t : tasks) planner.decide(t, tools); // tool vectors computed once, JIT warm
            long[] decide = new long[decisions];
            long[] embed = new long[decisions];
            for (int i = 0; i < decisions; i++) {
                TaskDescription t = tasks.get(i % tasks.size());
                long a = System.nanoTime();
                embedder.embed(t.text());
                long b = System.nanoTime();
                planner.decide(t, tools);
                long c = System.nanoTime();
                embed[i] = b - a;
                decide[i] = c - b;
            }
            System.out.printf(
                    "%-10d %15.2f ms %15.2f ms %19.2f ms%n", size, p(decide, 50), p(decide, 99), p(embed, 50));
        }
        // the labelled tasks, each text new to the embedder, among the labelled tools and generated ones up to 1,000
        PlannerEvaluation.Catalogue catalogue = PlannerEvaluation.loadCatalogue();
        List<ToolDescriptor> thousand = new ArrayList<>(catalogue.tools());
        thousand.addAll(tools(1000 - thousand.size()));
        List<PlannerEvaluation.Task> labelled = PlannerEvaluation.loadTasks("dev");
        for (int i = 0; i < 5; i++) planner.decide(new TaskDescription("warm up " + i, "", Map.of()), thousand);
        long[] decide = new long[labelled.size()];
        long[] embed = new long[labelled.size()];
        for (int i = 0; i < labelled.size(); i++) {
            PlannerEvaluation.Task t = labelled.get(i);
            TaskDescription task = new TaskDescription(t.name(), t.documentation(), t.variables());
            long a = System.nanoTime();
            embedder.embed("a text of about the same length as the task, new: " + i + " " + t.name());
            long b = System.nanoTime();
            planner.decide(task, thousand);
            long c = System.nanoTime();
            embed[i] = b - a;
            decide[i] = c - b;
        }
        System.out.printf(
                "%-10s %15.2f ms %15.2f ms %19.2f ms   (%d labelled tasks, each text embedded for the first time)%n",
                "1000*", p(decide, 50), p(decide, 99), p(embed, 50), labelled.size());
    }

    private static List<ToolDescriptor> tools(int n) {
        Random random = new Random(42);
        List<ToolDescriptor> tools = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String verb = VERBS[random.nextInt(VERBS.length)];
            String object = OBJECTS[random.nextInt(OBJECTS.length)];
            String domain = DOMAINS[random.nextInt(DOMAINS.length)];
            tools.add(new ToolDescriptor(
                    "tool" + i + "." + verb.toLowerCase(),
                    verb + " " + object + " " + domain + ". Use it when a task needs " + object + " "
                            + verb.toLowerCase() + ".",
                    "{\"type\":\"object\",\"properties\":{\"input\":{\"type\":\"string\"}}}",
                    null,
                    "bench",
                    "1",
                    i,
                    0));
        }
        return tools;
    }

    private static double p(long[] nanos, int percentile) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(percentile / 100.0 * s.length) - 1)] / 1e6;
    }
}
