package io.procos.das.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procos.api.process.ConditionExpression;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A process as steps: what both generators produce and what becomes BPMN. A step is a task (words),
 * branches that run in parallel, a choice between branches by conditions on process variables, or steps
 * repeated while a condition on process variables holds.
 */
record Outline(String name, List<Step> steps) {

    sealed interface Step permits Task, Parallel, Choice, Loop {}

    /** A task: its short name and its documentation (the full words, with the values to use). */
    record Task(String name, String documentation) implements Step {}

    record Parallel(List<List<Step>> branches) implements Step {}

    /** Branches taken when their condition (a JUEL expression on variables) holds; {@code otherwise} when none does. */
    record Choice(List<Branch> branches, List<Step> otherwise) implements Step {}

    record Branch(String label, String condition, List<Step> steps) {}

    /**
     * Steps done once and then again while {@code condition} holds (a grammar condition on variables;
     * {@code label} names it in the diagram). A variable that is not set makes the condition false, so a
     * loop never repeats on a value nobody set.
     */
    record Loop(List<Step> steps, String label, String condition) implements Step {}

    static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_STEPS = 100;

    /** What is wrong with this outline; empty when it can become a process. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (name == null || name.isBlank()) problems.add("the process has no name");
        if (steps == null || steps.isEmpty()) problems.add("the process has no steps");
        else check(steps, "", problems, new int[1]);
        return problems;
    }

    private static void check(List<Step> steps, String where, List<String> problems, int[] count) {
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            String at = where + "step " + (i + 1);
            if (++count[0] > MAX_STEPS) {
                problems.add("more than " + MAX_STEPS + " steps");
                return;
            }
            if (s == null) problems.add(at + " is empty");
            else if (s instanceof Task t) {
                if (t.name() == null || t.name().isBlank()) problems.add(at + " is a task without a name");
            } else if (s instanceof Parallel p) {
                if (p.branches() == null || p.branches().size() < 2)
                    problems.add(at + " runs in parallel but has fewer than two branches");
                else
                    for (int b = 0; b < p.branches().size(); b++) {
                        List<Step> branch = p.branches().get(b);
                        if (branch == null || branch.isEmpty())
                            problems.add(at + ", parallel branch " + (b + 1) + " has no steps");
                        else check(branch, at + ", parallel branch " + (b + 1) + ", ", problems, count);
                    }
            } else if (s instanceof Choice c) {
                if (c.branches() == null || c.branches().isEmpty())
                    problems.add(at + " is a choice without conditions");
                else
                    for (int b = 0; b < c.branches().size(); b++) {
                        Branch br = c.branches().get(b);
                        if (br.condition() == null || !ConditionExpression.isValid(br.condition())) {
                            problems.add(at + ", branch " + (b + 1) + " has no condition like ${amount > 1000}");
                        }
                        if (br.steps() == null || br.steps().isEmpty())
                            problems.add(at + ", branch " + (b + 1) + " has no steps");
                        else check(br.steps(), at + ", branch " + (b + 1) + ", ", problems, count);
                    }
                if (c.otherwise() != null && !c.otherwise().isEmpty())
                    check(c.otherwise(), at + ", otherwise, ", problems, count);
            } else if (s instanceof Loop l) {
                if (l.condition() == null || !ConditionExpression.isValid(l.condition()))
                    problems.add(at + " repeats without a condition like ${more == true}");
                if (l.steps() == null || l.steps().isEmpty()) problems.add(at + " repeats no steps");
                else check(l.steps(), at + ", repeated, ", problems, count);
            }
        }
    }

    /**
     * The JSON outline a language model answers (see the prompt das.generate). Anything that is not
     * that shape is refused with what was wrong, never guessed at.
     */
    static Outline parse(String answer) throws InvalidOutline {
        String json = answer == null ? "" : answer.strip();
        int start = json.indexOf('{');
        int end = json.lastIndexOf('}');
        if (start < 0 || end < start)
            throw new InvalidOutline(List.of("the answer holds no JSON object: " + abbreviate(json)));
        JsonNode root;
        try {
            root = JSON.readTree(json.substring(start, end + 1));
        } catch (Exception e) {
            throw new InvalidOutline(List.of("the answer is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse("")));
        }
        List<String> problems = new ArrayList<>();
        String name = root.path("name").asText("");
        List<Step> steps = steps(root.path("steps"), "", problems);
        Outline outline = new Outline(name, steps);
        problems.addAll(outline.problems());
        if (!problems.isEmpty()) throw new InvalidOutline(problems);
        return outline;
    }

    private static List<Step> steps(JsonNode array, String where, List<String> problems) {
        List<Step> out = new ArrayList<>();
        if (!array.isArray()) {
            problems.add((where.isEmpty() ? "steps" : where) + " must be a list");
            return out;
        }
        int i = 0;
        for (JsonNode node : array) {
            i++;
            String at = where + "step " + i;
            if (node.has("task")) {
                out.add(new Task(
                        node.path("task").asText("").strip(),
                        node.path("documentation")
                                .asText(node.path("task").asText(""))
                                .strip()));
            } else if (node.has("parallel")) {
                List<List<Step>> branches = new ArrayList<>();
                int b = 0;
                for (JsonNode branch : node.path("parallel"))
                    branches.add(steps(branch, at + ", parallel branch " + (++b) + ", ", problems));
                out.add(new Parallel(branches));
            } else if (node.has("choice")) {
                List<Branch> branches = new ArrayList<>();
                List<Step> otherwise = List.of();
                for (JsonNode branch : node.path("choice")) {
                    if (branch.has("otherwise"))
                        otherwise = steps(branch.path("otherwise"), at + ", otherwise, ", problems);
                    else {
                        String condition =
                                Conditions.expression(branch.path("if").asText(""));
                        if (condition == null) {
                            problems.add(at + ": the condition \""
                                    + branch.path("if").asText("") + "\" is not one ProcOS can evaluate: "
                                    + Conditions.why(branch.path("if").asText("")));
                        }
                        branches.add(new Branch(
                                branch.path("if").asText(""),
                                condition,
                                steps(branch.path("steps"), at + ", branch, ", problems)));
                    }
                }
                out.add(new Choice(branches, otherwise));
            } else {
                problems.add(at + " is neither a task, a parallel block nor a choice: " + abbreviate(node.toString()));
            }
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "…";
    }

    /** An outline that cannot become a process, and why. */
    static final class InvalidOutline extends Exception {
        private static final long serialVersionUID = 1L;
        final transient List<String> problems;

        InvalidOutline(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = problems;
        }
    }

    /** For the explanation: "3 tasks, 1 parallel block, 1 choice, 1 loop". */
    String shape() {
        int[] c = counts();
        return String.format(
                Locale.ROOT,
                "%d task%s%s%s%s",
                c[0],
                c[0] == 1 ? "" : "s",
                c[1] == 0 ? "" : ", " + c[1] + " parallel block" + (c[1] == 1 ? "" : "s"),
                c[2] == 0 ? "" : ", " + c[2] + " choice" + (c[2] == 1 ? "" : "s"),
                c[3] == 0 ? "" : ", " + c[3] + " loop" + (c[3] == 1 ? "" : "s"));
    }

    /** Tasks, parallel blocks, choices and loops, nested ones included. */
    int[] counts() {
        int[] c = new int[4];
        count(steps, c);
        return c;
    }

    private static void count(List<Step> steps, int[] c) {
        for (Step s : steps) {
            if (s instanceof Task) c[0]++;
            else if (s instanceof Parallel p) {
                c[1]++;
                p.branches().forEach(b -> count(b, c));
            } else if (s instanceof Choice ch) {
                c[2]++;
                ch.branches().forEach(b -> count(b.steps(), c));
                count(ch.otherwise(), c);
            } else if (s instanceof Loop l) {
                c[3]++;
                count(l.steps(), c);
            }
        }
    }
}
