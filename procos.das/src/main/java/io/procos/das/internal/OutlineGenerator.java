package io.procos.das.internal;

import io.procos.das.internal.Outline.Branch;
import io.procos.das.internal.Outline.Choice;
import io.procos.das.internal.Outline.Parallel;
import io.procos.das.internal.Outline.Step;
import io.procos.das.internal.Outline.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline generator, deterministic and honest about it: ordered steps from numbered lists,
 * sentences and "then"; "in parallel" / "at the same time" / "simultaneously" make a parallel block;
 * "if … , … ; otherwise …" makes a choice with conditions on variables. A command of the form
 * "do this: <content>" is one step that keeps its content whole.
 */
final class OutlineGenerator {

    private static final Pattern LIST_ITEM = Pattern.compile("^\\s*(?:\\d+[.)]|[-*•])\\s+(.+)$");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[A-Z\"“])|;\\s*|\\n+");
    private static final Pattern THEN = Pattern.compile(
            "(?:,\\s*|\\s+)(?:and\\s+)?then[,]?\\s+|,\\s*(?:and\\s+)?(?:after that|afterwards|finally|next)[,]?\\s+",
            Pattern.CASE_INSENSITIVE);
    /** Quoted text and code are content: never split inside them. */
    private static final Pattern PROTECTED = Pattern.compile("\"[^\"]*\"|“[^”]*”|`[^`]*`");

    private static final Pattern LEADING = Pattern.compile(
            "^(?:(?:first|firstly|then|next|after that|afterwards|finally|lastly|and|also|please)[,]?\\s+)+",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern PARALLEL = Pattern.compile(
            ",?\\s*\\b(?:in parallel|at the same time|simultaneously|concurrently)\\b,?\\s*", Pattern.CASE_INSENSITIVE);
    private static final Pattern IF = Pattern.compile(
            "^(?:if|when|in case)\\s+(.+?)(?:,\\s*(?:then\\s+)?|\\s+then\\s+)(.+)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern OTHERWISE =
            Pattern.compile("^(?:otherwise|else|if not)[,]?\\s+(.+)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern INLINE_OTHERWISE =
            Pattern.compile("^(.+?)[,]?\\s+(?:otherwise|else|if not)[,]?\\s+(.+)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern CONTENT = Pattern.compile("^([^:\\n]{3,60}):\\s+(\\S.*)$", Pattern.DOTALL);
    private static final List<String> DETERMINERS =
            List.of("the", "a", "an", "our", "all", "its", "their", "this", "that", "these", "those");

    /** Words → outline, and the notes for the explanation (what could not be understood). */
    record Result(Outline outline, List<String> notes) {}

    Result generate(String text) {
        List<String> notes = new ArrayList<>();
        String words = text.strip().replaceAll("\\s+$", "");
        Matcher content = CONTENT.matcher(words);
        List<Step> steps = new ArrayList<>();
        if (content.matches()
                && !THEN.matcher(content.group(1)).find()
                && !LIST_ITEM.matcher(words).find()) {
            steps.add(new Task(name(content.group(1)), words));
        } else {
            for (String fragment : fragments(words)) add(fragment, steps, notes);
        }
        return new Result(new Outline(name(processName(steps, words)), steps), notes);
    }

    /** Numbered or bulleted lines if there are any; else sentences; each split on "then". */
    static List<String> fragments(String text) {
        List<String> protectedParts = new ArrayList<>();
        Matcher q = PROTECTED.matcher(text);
        StringBuilder masked = new StringBuilder();
        while (q.find()) {
            protectedParts.add(q.group());
            q.appendReplacement(masked, "\u0000" + (protectedParts.size() - 1) + "\u0000");
        }
        q.appendTail(masked);
        List<String> out = new ArrayList<>();
        for (String f : maskedFragments(masked.toString())) out.add(unmask(f, protectedParts));
        return out;
    }

    private static String unmask(String s, List<String> parts) {
        Matcher m = Pattern.compile("\u0000(\\d+)\u0000").matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(parts.get(Integer.parseInt(m.group(1)))));
        m.appendTail(out);
        return out.toString();
    }

    private static List<String> maskedFragments(String words) {
        List<String> items = new ArrayList<>();
        for (String line : words.split("\\n")) {
            Matcher m = LIST_ITEM.matcher(line);
            if (m.matches()) items.add(m.group(1));
        }
        if (items.size() < 2) {
            items.clear();
            for (String sentence : SENTENCE_END.split(words)) if (!sentence.isBlank()) items.add(sentence);
        }
        List<String> out = new ArrayList<>();
        for (String item : items) {
            // "if X, do Y, then do Z" keeps Z in the branch only when it is a choice; a plain sentence splits on "then"
            if (IF.matcher(clean(item)).matches()) {
                out.add(item);
                continue;
            }
            for (String part : THEN.split(item)) if (!part.isBlank()) out.add(part);
        }
        return out;
    }

    private void add(String fragment, List<Step> steps, List<String> notes) {
        String f = clean(fragment);
        if (f.isEmpty()) return;
        Matcher otherwise = OTHERWISE.matcher(f);
        if (otherwise.matches()
                && !steps.isEmpty()
                && steps.get(steps.size() - 1) instanceof Choice c
                && c.otherwise().isEmpty()) {
            steps.set(steps.size() - 1, new Choice(c.branches(), List.of(task(otherwise.group(1)))));
            return;
        }
        Matcher when = IF.matcher(f);
        if (when.matches()) {
            String condition = Conditions.expression(when.group(1));
            if (condition == null) {
                notes.add("the condition \"" + when.group(1) + "\" is not one ProcOS can evaluate ("
                        + Conditions.why(when.group(1)) + "), so \"" + f + "\" became one task");
                steps.add(task(f));
                return;
            }
            String action = when.group(2);
            List<Step> elseSteps = List.of();
            Matcher inline = INLINE_OTHERWISE.matcher(action);
            if (inline.matches()) {
                action = inline.group(1);
                elseSteps = List.of(task(inline.group(2)));
            }
            List<Step> thenSteps = new ArrayList<>();
            for (String part : THEN.split(action)) if (!clean(part).isEmpty()) thenSteps.add(task(part));
            steps.add(new Choice(List.of(new Branch(when.group(1).strip(), condition, thenSteps)), elseSteps));
            return;
        }
        if (PARALLEL.matcher(f).find()) {
            String rest = PARALLEL.matcher(f).replaceAll(" ").strip();
            String[] parts = rest.split(
                    ",\\s*(?:and\\s+)?|\\s+and\\s+(?=(?:(?:" + String.join("|", DETERMINERS) + ")\\b|[a-z]+\\s))");
            List<List<Step>> branches = new ArrayList<>();
            String verb = null;
            for (String part : parts) {
                String p = clean(part);
                if (p.isEmpty()) continue;
                String first = p.split("\\s+")[0].toLowerCase(Locale.ROOT);
                if (verb == null) verb = p.split("\\s+")[0];
                else if (DETERMINERS.contains(first))
                    p = verb.toLowerCase(Locale.ROOT) + " " + p; // "compute A and the B" → "compute the B"
                branches.add(List.of(task(p)));
            }
            if (branches.size() >= 2) {
                steps.add(new Parallel(branches));
                return;
            }
            notes.add("\"" + f + "\" says to do things at the same time but names only one, so it is one task");
        }
        steps.add(task(f));
    }

    static String clean(String fragment) {
        String f = fragment.strip().replaceAll("[.!]+$", "").strip();
        return LEADING.matcher(f).replaceFirst("").strip();
    }

    private static Task task(String words) {
        String f = clean(words);
        return new Task(name(f), capitalize(f) + (f.endsWith("?") ? "" : "."));
    }

    /** The step's own words, at most about 80 characters, cut at a word. */
    static String name(String words) {
        String w = capitalize(clean(words));
        if (w.length() <= 80) return w;
        int cut = w.lastIndexOf(' ', 77);
        return w.substring(0, cut > 20 ? cut : 77) + "…";
    }

    private static String processName(List<Step> steps, String words) {
        if (steps.size() == 1 && steps.get(0) instanceof Task t) return t.name();
        String first =
                clean(fragments(words).isEmpty() ? words : fragments(words).get(0));
        return first.length() > 60
                ? name(first.substring(0, first.lastIndexOf(' ', 57) > 10 ? first.lastIndexOf(' ', 57) : 57))
                : first;
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
