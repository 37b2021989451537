package io.procos.das.internal;

import io.procos.das.internal.Outline.Branch;
import io.procos.das.internal.Outline.Choice;
import io.procos.das.internal.Outline.Loop;
import io.procos.das.internal.Outline.Parallel;
import io.procos.das.internal.Outline.Step;
import io.procos.das.internal.Outline.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline generator, deterministic and honest about it: words → steps by rules, no language model.
 *
 * <ul>
 *   <li>Items: numbered lists ("1.", "1)", "(1)", "Step 1:", inline or one per line), bulleted lines
 *       ("-", "*", "•"), else sentences; a list under "In parallel:" runs in parallel.
 *   <li>Steps in an item: split on "then", "after that", "afterwards", "finally", "secondly"…, and on a
 *       comma or "and" when what follows starts with a verb ({@link Verbs}): "read the file, compute the
 *       totals and write the report" is three steps, "compare prices and quantities" one.
 *   <li>Parallel blocks: "in parallel:", "at the same time", "simultaneously", "concurrently" before or
 *       after the steps they join, "A and, at the same time, B", "A while you B", and "meanwhile"
 *       (or "at the same time" opening a sentence), which runs its step beside the one before. Joins
 *       ("when both are done", "after both", "once all are finished") only end the block.
 *   <li>Choices: "if/when/in case/should … , …" leading or trailing, with "otherwise/else/if not";
 *       the condition is a {@link Conditions} grammar condition, a comparison where the words say one,
 *       else a yes/no variable named after them ({@link Conditions#flag}).
 *   <li>Loops: "for each/every …", "go through each …", "… for each …" repeat their steps while more
 *       remain; "… until …" repeats until the condition holds; "repeat until …" repeats the item before.
 * </ul>
 *
 * Task names are the person's words (the clause, capitalised, trailing punctuation removed); numbering
 * and connectives never become tasks. A command of the form "do this: <content>" is one step that keeps
 * its content whole.
 */
final class OutlineGenerator {

    /** Words → outline, and the notes for the explanation (what could not be understood). */
    record Result(Outline outline, List<String> notes) {}

    /** Quoted text and code are content: never split inside them. */
    private static final Pattern PROTECTED = Pattern.compile("\"[^\"]*\"|“[^”]*”|`[^`]*`");

    private static final Pattern MASKED = Pattern.compile("\u0000(\\d+)\u0000");
    private static final Pattern CONTENT = Pattern.compile("^([^:\\n]{3,60}):\\s+(\\S.*)$", Pattern.DOTALL);
    private static final Pattern COLON = Pattern.compile("^([^:]{2,60}):\\s*(.+)$", Pattern.DOTALL);
    private static final Pattern BULLET = Pattern.compile("^\\s*[-*•]\\s+(.+)$");
    /** "1." "1)" "(1)" "Step 1:" "Step one:" where a line, the text or a clause begins. */
    private static final Pattern NUMBER = Pattern.compile(
            "(?<![^\\s:;,])(?:\\((\\d{1,2})\\)|(\\d{1,2})[.):]|(\\d{1,2})\\s+[-–]|(?i:step)\\s+(\\d{1,2}|(?i:one|two|three|four|five|six|seven|eight|nine|ten))\\s*[:.)-]?)(?=\\s)\\s*");

    private static final Map<String, Integer> NUMBERS = Map.of(
            "one", 1, "two", 2, "three", 3, "four", 4, "five", 5, "six", 6, "seven", 7, "eight", 8, "nine", 9, "ten",
            10);
    private static final Pattern SENTENCE_END = Pattern.compile(
            "(?<=[.!?])(?<!\\b(?:Mr|Mrs|Ms|Dr|St|No|vs|etc|e\\.g|i\\.e|approx|incl|Inc|Ltd|Co|Corp)\\.)\\s+(?=[A-Z\"“(\u0000])|;\\s*|\\n+");

    private static final String PAR =
            "in parallel|at the same time|simultaneously|concurrently|meanwhile|in the meantime|in tandem";
    private static final Pattern PAR_ANYWHERE = Pattern.compile("\\b(?:" + PAR + ")\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern LEADING_PAR =
            Pattern.compile("^(?:" + PAR + ")\\b[,:]?\\s*(.*)$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern TRAILING_PAR = Pattern.compile(
            "^(.+?)[,]?\\s+(?:(?:all|both)\\s+)?(?:" + PAR + ")$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern INLINE_PAR = Pattern.compile(
            "\\s*,?\\s+and,?\\s+(?:" + PAR + "),?\\s+|\\s*,\\s*(?:" + PAR + "),?\\s+"
                    + "|\\s+(?:in parallel with|at the same time as|alongside|concurrently with|simultaneously with)\\s+",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern WHILE = Pattern.compile(
            "^(.+?)\\s+while\\s+(?:(?:you|we|i|they|someone)\\s+)?(.+)$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern LEADING_WHILE = Pattern.compile(
            "^while\\s+(?:(?:you|we|i|they|someone)\\s+)?(.+?),\\s*(.+)$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /** Sequence: the steps after it follow the steps before it (and end a parallel block). */
    private static final Pattern SEQUENCE = Pattern.compile(
            "(?:\\s*,\\s*|\\s+)(?:and\\s+)?then(?:,\\s*|\\s+)"
                    + "|\\s*,\\s*(?:and\\s+)?(?:after that|afterwards|after this|after which|finally|next|lastly|secondly|thirdly|second|third|subsequently"
                    + "|once (?:that is |that's |this is |it is |it's )?(?:done|finished)|when (?:that is |it is )?(?:done|finished))[,]?\\s+"
                    + "|\\s+and\\s+(?:after that|afterwards|finally|subsequently|lastly)[,]?\\s+",
            Pattern.CASE_INSENSITIVE);
    /** Where a comma or "and" may start another step (when a verb follows). */
    private static final Pattern AND = Pattern.compile("\\s*,\\s*(?:and\\s+)?|\\s+and\\s+", Pattern.CASE_INSENSITIVE);

    private static final Pattern LEADING = Pattern.compile(
            "^(?:(?:then|finally|afterwards|after that|after this|firstly|secondly|thirdly|lastly|subsequently|and then|and|also|please|just|simply|now|so|"
                    + "to finish|to start|to begin with|in the end|at the end|after which|once done|when done|when finished|"
                    + "once (?:that is|that's|this is) (?:done|finished)|when (?:that is|this is) (?:done|finished))\\b[,:]?\\s+)+",
            Pattern.CASE_INSENSITIVE);
    /** Ordinals that are connectives only with a comma or before a verb ("next, run" but not "next month's"). */
    private static final Pattern ORDINAL = Pattern.compile(
            "^(first|second|third|fourth|fifth|next|last)(,\\s*|\\s+)(.*)$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    /** "when both are done", "after both", "once all are finished": the end of a parallel block, not a condition. */
    private static final Pattern JOIN = Pattern.compile(
            "^(?:when|once|after|as soon as)\\s+(?:both|all|everything|they|these|those|that|this|the (?:two|three|four|five|others)"
                    + "|all (?:of )?(?:them|these|those|three|four|five)|both (?:of )?(?:them|these|those))"
                    + "(?:\\s+(?:tasks|steps|jobs|checks|runs))?(?:(?:\\s+|')(?:are|is|have|has|ve|re|s|were))?(?:\\s+been)?\\s*"
                    + "(?:(?:done|finished|complete|completed|loaded|ready|over|through|in|back|passed|succeeded|received|available|there|ended)\\b\\s*,?\\s*|,\\s*)",
            Pattern.CASE_INSENSITIVE);

    private static final String IF_WORDS = "if|when|whenever|in case|should|in the event that|provided that|only if";
    private static final Pattern IF = Pattern.compile(
            "^(?:" + IF_WORDS + ")\\s+(.+?)(?:,(?!\\d)\\s*(?:then\\s+)?|\\s+then\\s+)(.+)$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern IF_NO_COMMA =
            Pattern.compile("^(?:" + IF_WORDS + ")\\s+(.+)$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern UNLESS =
            Pattern.compile("^unless\\s+(.+?),(?!\\d)\\s*(.+)$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern IN_CASE_OF =
            Pattern.compile("^in (?:case|the event) of\\s+(.+?),\\s*(.+)$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern TRAILING_IF = Pattern.compile(
            "^(.+?)\\s+(if|when|whenever|in case|unless|provided that|as long as|but only if|only if)\\s+(.+)$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    /** Verbs whose "if" or "when" starts their object, not a condition: "check if the backup ran". */
    private static final Set<String> ASKING = Set.of(
            "check",
            "see",
            "verify",
            "ask",
            "know",
            "tell",
            "decide",
            "determine",
            "confirm",
            "test",
            "out",
            "me",
            "us",
            "whether",
            "note",
            "record",
            "log",
            "establish",
            "investigate",
            "show",
            "say");

    private static final Pattern MID_CONDITION = Pattern.compile(
            "\\s*,\\s*(?:and\\s+|but\\s+)?(?=(?:if|when|in case|should|unless|for each|for every)\\s)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern OTHERWISE = Pattern.compile(
            "^(?:otherwise|else|or else|if not|if it is not|if it isn't|if they are not|if they aren't|failing that|in all other cases|in any other case)[,:]?\\s+(.+)$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern INLINE_OTHERWISE = Pattern.compile(
            "^(.+?)[,;]?\\s+(?:otherwise|else|or else|if not|failing that)[,]?\\s+(.+)$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern NOTHING = Pattern.compile(
            "^(?:just\\s+)?(?:do nothing(?: else)?|nothing|continue|carry on|proceed|go on|move on|skip it|skip|leave it|ignore it|no action(?: is needed)?)$",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern FOR_EACH = Pattern.compile(
            "^for\\s+(?:each|every|all(?:\\s+(?:of\\s+)?the)?|any)\\s+(.+)$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern GO_THROUGH = Pattern.compile(
            "^(?:(?:go|work|run|walk|loop|iterate|cycle|step)\\s+(?:through|over)\\s+(?:each|every|all(?:\\s+(?:of\\s+)?the)?|the)"
                    + "|(?:process|handle|treat|take)\\s+(?:each|every))\\s+(.+?)(?:\\s*[,:;]\\s*|\\s+(?:and|by)\\s+)(?:then\\s+)?(.+)$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern TRAILING_EACH = Pattern.compile(
            "^(.+?)\\s+(?:for|of|on|in|to)\\s+(?:each|every)\\s+(.+)$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern TIME = Pattern.compile(
            "^(?:\\d+|few|couple|other|one|two|three|five|ten|fifteen|thirty)?\\s*(?:second|minute|hour|day|week|month|quarter|year|morning|evening|night|"
                    + "monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekday|business day|time|run|cycle)s?\\b.*$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern UNTIL = Pattern.compile(
            "^(.+?)\\s+(?:until|till|unless and until)\\s+(.+)$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern REPEAT_WHILE = Pattern.compile(
            "^((?:repeat|keep|continue|retry)\\b.+?)\\s+(?:while|as long as)\\s+(.+)$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    /** "repeat until …" on its own: the item before is what repeats. */
    private static final Pattern REPEAT = Pattern.compile(
            "^(?:repeat|loop|keep going|keep doing (?:this|that|so)|do (?:this|that|so)|go again|try again|start over|do it again)"
                    + "(?:\\s+(?:this|that|it|them|these steps|the steps|all of this|everything|the above|from the start|steps? \\d+(?:\\s*(?:-|to|and)\\s*\\d+)?))?"
                    + "\\s+(until|till|while|as long as)\\s+(.+)$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private static final Set<String> DETERMINERS = Set.of(
            "the",
            "a",
            "an",
            "our",
            "all",
            "its",
            "their",
            "this",
            "that",
            "these",
            "those",
            "my",
            "your",
            "both",
            "each",
            "every",
            "any",
            "some",
            "yesterday's",
            "today's");
    private static final Set<String> PRONOUNS = Set.of("it", "they", "this", "that", "these", "those", "them");
    private static final Pattern OBJECT_END = Pattern.compile(
            "\\s+(?:in|on|at|to|from|with|for|by|into|against|about|every|each|per|via|using|under|over|through|across|as|after|before)\\s.*$",
            Pattern.CASE_INSENSITIVE);

    Result generate(String text) {
        return new Run().generate(text);
    }

    /** One generation: the quoted parts set aside, the notes, and the task a pronoun refers to. */
    private static final class Run {
        final List<String> quoted = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        String antecedent;

        Result generate(String text) {
            String words = text.strip();
            String masked = mask(words);
            List<Step> steps = new ArrayList<>();
            Matcher content = CONTENT.matcher(masked);
            if (content.matches()
                    && Verbs.startsWithVerb(content.group(1))
                    && !Verbs.startsWithVerb(content.group(2))
                    && !SEQUENCE.matcher(content.group(1)).find()
                    && !PAR_ANYWHERE.matcher(content.group(1)).find()
                    && !GO_THROUGH.matcher(content.group(1) + ", x").matches()
                    && numbered(masked) == null
                    && bullets(masked) == null) {
                steps.add(new Task(name(unmask(content.group(1))), words));
            } else {
                block(masked, steps);
            }
            if (steps.isEmpty()) steps.add(new Task(name(words), words));
            return new Result(new Outline(processName(steps, words), steps), notes);
        }

        // ---- items: lists, else sentences

        /** A numbered or bulleted list with what comes before and after it, or sentences. */
        void block(String text, List<Step> out) {
            List<String> list = numbered(text);
            if (list == null) list = bullets(text);
            if (list == null) {
                sentences(text, out);
                return;
            }
            String header = list.get(0).strip();
            String trailer = list.get(list.size() - 1);
            List<String> items = list.subList(1, list.size() - 1);
            boolean parallel =
                    header.endsWith(":") && PAR_ANYWHERE.matcher(header).find();
            Matcher each = FOR_EACH.matcher(header.replaceAll(":$", "") + ", x");
            if (!header.isEmpty() && !header.endsWith(":")) sentences(header, out);
            if (parallel) {
                List<List<Step>> branches = new ArrayList<>();
                for (String item : items) {
                    List<Step> branch = new ArrayList<>();
                    sentences(item, branch);
                    if (!branch.isEmpty()) branches.add(branch);
                }
                if (branches.size() >= 2) out.add(new Parallel(branches));
                else branches.forEach(out::addAll);
            } else if (header.endsWith(":") && each.matches()) {
                List<Step> body = new ArrayList<>();
                for (String item : items) sentences(item, body);
                out.add(loop(body, each.group(1).replaceAll(",\\s*x$", "")));
            } else {
                for (String item : items) sentences(item, out);
            }
            sentences(trailer, out);
        }

        /** [header, items…, trailer] of a numbered list 1, 2, 3…, or null. */
        static List<String> numbered(String text) {
            Matcher m = NUMBER.matcher(text);
            List<int[]> marks = new ArrayList<>(); // start, end of each marker 1, 2, 3…
            while (m.find()) {
                String n = m.group(1);
                for (int g = 2; n == null; g++) n = m.group(g);
                int number =
                        Character.isDigit(n.charAt(0)) ? Integer.parseInt(n) : NUMBERS.get(n.toLowerCase(Locale.ROOT));
                if (number != marks.size() + 1) continue;
                if (number == 1) {
                    String before = text.substring(0, m.start()).strip();
                    if (!before.isEmpty()
                            && !before.endsWith(":")
                            && !text.substring(0, m.start()).contains("\n")) continue;
                }
                marks.add(new int[] {m.start(), m.end()});
            }
            if (marks.size() < 2) return null;
            boolean lines = true;
            for (int[] mark : marks)
                lines &= mark[0] == 0
                        || text.charAt(mark[0] - 1) == '\n'
                        || text.substring(0, mark[0]).endsWith("\n ");
            List<String> out = new ArrayList<>();
            out.add(text.substring(0, marks.get(0)[0]));
            for (int i = 0; i < marks.size(); i++) {
                int end = i + 1 < marks.size() ? marks.get(i + 1)[0] : text.length();
                out.add(text.substring(marks.get(i)[1], end).strip());
            }
            String last = out.remove(out.size() - 1);
            int nl = last.indexOf('\n');
            if (lines && nl >= 0) {
                out.add(last.substring(0, nl));
                out.add(last.substring(nl + 1));
            } else {
                out.add(last);
                out.add("");
            }
            return out;
        }

        /** [header, items…, trailer] of lines starting with "-", "*" or "•", or null. */
        static List<String> bullets(String text) {
            String[] lines = text.split("\\n");
            int first = -1;
            int last = -1;
            int count = 0;
            for (int i = 0; i < lines.length; i++) {
                if (BULLET.matcher(lines[i]).matches()) {
                    if (first < 0) first = i;
                    last = i;
                    count++;
                }
            }
            if (count < 2) {
                // inline: "• a • b • c"
                String[] parts = text.split("\\s*•\\s+");
                if (parts.length < 3) return null;
                List<String> out = new ArrayList<>(List.of(parts));
                out.add("");
                return out;
            }
            List<String> out = new ArrayList<>();
            out.add(String.join("\n", List.of(lines).subList(0, first)));
            for (int i = first; i <= last; i++) {
                Matcher m = BULLET.matcher(lines[i]);
                if (m.matches()) out.add(m.group(1));
                else if (!lines[i].isBlank()) out.set(out.size() - 1, out.get(out.size() - 1) + "\n" + lines[i]);
            }
            out.add(String.join("\n", List.of(lines).subList(last + 1, lines.length)));
            return out;
        }

        void sentences(String text, List<Step> out) {
            int previous = -1;
            for (String sentence : SENTENCE_END.split(text)) {
                if (clean(sentence).isEmpty()) continue;
                int start = out.size();
                Matcher repeat = REPEAT.matcher(clean(sentence));
                if (repeat.matches() && previous >= 0 && previous < out.size()) {
                    List<Step> body = new ArrayList<>(out.subList(previous, out.size()));
                    out.subList(previous, out.size()).clear();
                    out.add(until(body, repeat.group(1), repeat.group(2)));
                    continue;
                }
                statement(sentence, out);
                previous = start;
            }
        }

        // ---- one statement: a sentence or list item

        void statement(String words, List<Step> out) {
            String f = clean(words);
            if (f.isEmpty()) return;
            Matcher m = OTHERWISE.matcher(f);
            if (m.matches()) {
                if (!out.isEmpty()
                        && out.get(out.size() - 1) instanceof Choice c
                        && c.otherwise().isEmpty()) {
                    out.set(out.size() - 1, new Choice(c.branches(), alternative(m.group(1))));
                    return;
                }
                notes.add("\"" + unmask(f) + "\" follows no condition, so it is done in any case");
                f = m.group(1);
            }
            m = COLON.matcher(f);
            if (m.matches()) {
                String head = m.group(1).strip();
                if (IF_NO_COMMA.matcher(head).matches()) {
                    statement(head + ", " + m.group(2), out); // "if the total is over 10000: ask the CFO"
                    return;
                }
                if (PAR_ANYWHERE.matcher(head).find()) {
                    parallel(m.group(2), out);
                    return;
                }
                Matcher each = FOR_EACH.matcher(head);
                if (each.matches() || GO_THROUGH.matcher(head + ", x").matches()) {
                    List<Step> body = new ArrayList<>();
                    statement(m.group(2), body);
                    String things = each.matches()
                            ? each.group(1)
                            : GO_THROUGH.matcher(head + ", x").replaceFirst("$1");
                    out.add(loop(body, things));
                    return;
                }
                if (!Verbs.startsWithVerb(head) && Verbs.startsWithVerb(clean(m.group(2)))) {
                    statement(m.group(2), out); // "Every Monday: export the orders" — the prefix is no step
                    return;
                }
                if (Verbs.startsWithVerb(head) && !Verbs.startsWithVerb(clean(m.group(2)))) {
                    out.add(task(f)); // "save to memory: the depot closes at 6"
                    return;
                }
            }
            if (choice(f, out)) return;
            if (forEach(f, out)) return;
            m = LEADING_PAR.matcher(f);
            if (m.matches()) {
                parallel(m.group(1), out);
                return;
            }
            m = LEADING_WHILE.matcher(f);
            if (m.matches() && startsAction(m.group(1))) {
                List<Step> a = new ArrayList<>();
                List<Step> b = new ArrayList<>();
                sequence(m.group(1), a);
                sequence(m.group(2), b);
                if (!a.isEmpty() && !b.isEmpty()) {
                    out.add(new Parallel(List.of(a, b)));
                    return;
                }
            }
            m = MID_CONDITION.matcher(f);
            if (m.find() && m.start() > 0) {
                statement(f.substring(0, m.start()), out);
                statement(f.substring(m.end()), out);
                return;
            }
            sequence(f, out);
        }

        /** "if …, …[, otherwise …]", "unless …, …", "in case of …, …": a choice; false when the words are none. */
        boolean choice(String f, List<Step> out) {
            Matcher m;
            String condition;
            String action;
            boolean unless = false;
            if ((m = UNLESS.matcher(f)).matches()) {
                condition = m.group(1);
                action = m.group(2);
                unless = true;
            } else if ((m = IN_CASE_OF.matcher(f)).matches()) {
                condition = m.group(1);
                action = m.group(2);
            } else if ((m = IF.matcher(f)).matches() && !JOIN.matcher(f).lookingAt()) {
                condition = m.group(1);
                action = m.group(2);
            } else if ((m = IF_NO_COMMA.matcher(f)).matches()) {
                // "if the build fails open a ticket": the action starts at the first verb after the subject
                String[] w = m.group(1).split("\\s+");
                int at = -1;
                for (int i = 2; i < w.length && at < 0; i++)
                    if (Verbs.isVerb(w[i], i + 1 < w.length ? w[i + 1] : null) && i + 1 < w.length) at = i;
                if (at < 0) return false;
                condition = String.join(" ", List.of(w).subList(0, at));
                action = String.join(" ", List.of(w).subList(at, w.length));
            } else return false;
            List<Step> otherwise = List.of();
            Matcher inline = INLINE_OTHERWISE.matcher(action);
            if (inline.matches()) {
                action = inline.group(1);
                otherwise = alternative(inline.group(2));
            }
            String expression = condition(condition, f);
            if (expression == null) return false;
            if (unless) expression = not(expression);
            List<Step> then = new ArrayList<>();
            statement(action, then);
            if (then.isEmpty()) return false;
            out.add(new Choice(
                    List.of(new Branch((unless ? "unless " : "") + label(condition), expression, then)), otherwise));
            return true;
        }

        /** The steps of an "otherwise": none for "otherwise continue". */
        List<Step> alternative(String words) {
            String w = clean(words);
            if (NOTHING.matcher(w).matches()) return List.of();
            List<Step> steps = new ArrayList<>();
            statement(w, steps);
            return steps;
        }

        /** "for each order, …", "go through each container and …", "process each invoice: …". */
        boolean forEach(String f, List<Step> out) {
            Matcher m = FOR_EACH.matcher(f);
            String things = null;
            String body = null;
            if (m.matches()) {
                String rest = m.group(1);
                int comma = rest.indexOf(',');
                if (comma > 0) {
                    things = rest.substring(0, comma);
                    body = rest.substring(comma + 1);
                } else {
                    String[] w = rest.split("\\s+");
                    for (int i = 1; i < w.length && things == null; i++) {
                        if (Verbs.isVerb(w[i], i + 1 < w.length ? w[i + 1] : null)) {
                            things = String.join(" ", List.of(w).subList(0, i));
                            body = String.join(" ", List.of(w).subList(i, w.length));
                        }
                    }
                }
            } else if ((m = GO_THROUGH.matcher(f)).matches()) {
                things = m.group(1);
                body = m.group(2);
            }
            if (things == null || clean(body).isEmpty()) return false;
            List<Step> steps = new ArrayList<>();
            statement(body, steps);
            if (steps.isEmpty()) return false;
            out.add(loop(steps, things));
            return true;
        }

        /** "in parallel: A, B and C, then D": A, B and C side by side, then D; one step runs beside the one before. */
        void parallel(String words, List<Step> out) {
            List<String> groups = split(SEQUENCE, words);
            if (groups.isEmpty()) return;
            List<List<Step>> branches = branches(groups.get(0));
            if (branches.size() >= 2) out.add(new Parallel(branches));
            else if (!branches.isEmpty()) beside(branches.get(0), out, groups.get(0));
            for (String g : groups.subList(1, groups.size())) sequence(g, out);
        }

        /** {@code steps} run beside the step before (meanwhile), or on their own when there is none. */
        void beside(List<Step> steps, List<Step> out, String words) {
            if (out.isEmpty()) {
                notes.add("\"" + unmask(clean(words))
                        + "\" says to do things at the same time but names only one, so it is one task");
                out.addAll(steps);
                return;
            }
            Step last = out.remove(out.size() - 1);
            List<List<Step>> branches = new ArrayList<>();
            if (last instanceof Parallel p) branches.addAll(p.branches());
            else branches.add(List.of(last));
            branches.add(steps);
            out.add(new Parallel(branches));
        }

        /** Parallel branches: split on commas and "and" before a verb or a new object ("A and the B" → "verb the B"). */
        List<List<Step>> branches(String words) {
            List<List<Step>> out = new ArrayList<>();
            List<String> clauses = clauses(words, true);
            String verb = null;
            for (String clause : clauses) {
                String c = clean(clause);
                if (c.isEmpty()) continue;
                String[] w = c.split("\\s+");
                if (verb == null) {
                    verb = w[0]
                            + (w.length > 2
                                            && Set.of("up", "off", "out", "down", "back")
                                                    .contains(w[1].toLowerCase(Locale.ROOT))
                                    ? " " + w[1]
                                    : "");
                } else if (!Verbs.startsWithVerb(c)) {
                    c = verb.toLowerCase(Locale.ROOT) + " " + c; // "compute A and the B" → "compute the B"
                }
                List<Step> branch = new ArrayList<>();
                sequence(c, branch);
                if (!branch.isEmpty()) out.add(branch);
            }
            return out;
        }

        // ---- a sequence of clauses inside one statement

        /**
         * Appends the steps in order: split on "then"…, each part maybe parallel, else split on commas and
         * "and" before verbs. A part that runs "at the same time" with nothing beside it in its own words
         * runs beside the step before it in {@code out}.
         */
        void sequence(String words, List<Step> out) {
            int start = out.size();
            for (String group : split(SEQUENCE, words)) {
                String g = clean(group);
                if (g.isEmpty()) continue;
                Matcher m = REPEAT.matcher(g);
                if (m.matches() && out.size() > start) {
                    List<Step> body = new ArrayList<>(out.subList(start, out.size()));
                    out.subList(start, out.size()).clear();
                    out.add(until(body, m.group(1), m.group(2)));
                    continue;
                }
                boolean whole = g.equals(clean(words)); // statement() already tried these words as a whole
                if (!whole
                        && (LEADING_PAR.matcher(g).matches()
                                || choiceStart(g)
                                || FOR_EACH.matcher(g).matches())) {
                    statement(g, out);
                    continue;
                }
                m = TRAILING_PAR.matcher(g);
                if (m.matches()) {
                    List<List<Step>> branches = branches(m.group(1));
                    if (branches.size() >= 2) out.add(new Parallel(branches));
                    else if (!branches.isEmpty()) beside(branches.get(0), out, g);
                    continue;
                }
                List<String> sides = split(INLINE_PAR, g);
                if (sides.size() >= 2) {
                    List<List<Step>> branches = new ArrayList<>();
                    String verb = g.split("\\s+")[0];
                    for (String side : sides) {
                        String c = clean(side);
                        if (!startsAction(c) && !c.isEmpty()) c = verb.toLowerCase(Locale.ROOT) + " " + c;
                        List<Step> branch = new ArrayList<>();
                        sequence(c, branch);
                        if (!branch.isEmpty()) branches.add(branch);
                    }
                    if (branches.size() >= 2) {
                        out.add(new Parallel(branches));
                        continue;
                    }
                }
                m = WHILE.matcher(g);
                if (m.matches() && !REPEAT_WHILE.matcher(g).matches() && startsAction(m.group(2))) {
                    List<Step> a = new ArrayList<>();
                    List<Step> b = new ArrayList<>();
                    sequence(m.group(1), a);
                    sequence(m.group(2), b);
                    if (!a.isEmpty() && !b.isEmpty()) {
                        out.add(new Parallel(List.of(a, b)));
                        continue;
                    }
                }
                for (String clause : clauses(g, false)) {
                    Step step = clause(clause);
                    if (step != null) out.add(step);
                }
            }
        }

        /** Splits on commas and "and" where a new action starts (in parallel, also where a new object starts). */
        List<String> clauses(String words, boolean parallel) {
            List<String> out = new ArrayList<>();
            Matcher m = AND.matcher(words);
            int start = 0;
            while (m.find()) {
                String left = words.substring(start, m.start()).strip();
                String right = words.substring(m.end()).strip();
                String[] r = clean(right).split("\\s+", 3);
                if (r.length == 0 || r[0].isEmpty()) continue;
                boolean verb = Verbs.isVerb(r[0], r.length > 1 ? r[1] : null)
                        || r[0].toLowerCase(Locale.ROOT).matches("[a-z]+ing") && parallel;
                boolean object = parallel && DETERMINERS.contains(r[0].toLowerCase(Locale.ROOT));
                if ((verb || object) && clean(left).split("\\s+").length >= 2) {
                    out.add(left);
                    start = m.end();
                }
            }
            out.add(words.substring(start));
            return out;
        }

        /** One clause: a task, or a task in a loop ("until", "for each") or under a trailing condition. */
        Step clause(String words) {
            String c = clean(words);
            if (c.isEmpty()) return null;
            Matcher m = REPEAT_WHILE.matcher(c);
            if (m.matches()) {
                String expression = condition(m.group(2), c);
                if (expression != null)
                    return new Loop(List.of(task(m.group(1))), "while " + label(m.group(2)), expression);
            }
            m = UNTIL.matcher(c);
            if (m.matches() && !clean(m.group(1)).isEmpty()) {
                Task t = task(m.group(1));
                return until(List.of(t), "until", m.group(2));
            }
            m = TRAILING_EACH.matcher(c);
            if (m.matches() && !TIME.matcher(m.group(2)).matches()) return loop(List.of(task(c)), m.group(2));
            m = TRAILING_IF.matcher(c);
            if (m.matches()) {
                String[] before = m.group(1).split("\\s+");
                String last = before[before.length - 1].toLowerCase(Locale.ROOT);
                if (before.length >= 2 && !ASKING.contains(last)) {
                    Task t = task(m.group(1));
                    boolean unless = m.group(2).equalsIgnoreCase("unless");
                    String expression = condition(m.group(3), c);
                    if (expression != null) {
                        if (unless) expression = not(expression);
                        return new Choice(
                                List.of(new Branch(
                                        (unless ? "unless " : "") + label(m.group(3)), expression, List.of(t))),
                                List.of());
                    }
                }
            }
            return task(c);
        }

        // ---- loops and conditions

        /** A loop over the things named ("file in the inbox folder"): again while more remain. */
        Step loop(List<Step> body, String things) {
            String head = clean(things).replaceFirst("(?i)^(?:the|of the|our|all)\\s+", "");
            head = OBJECT_END.matcher(head).replaceFirst("").replaceAll("(?i)\\s+(?:that|which|who|with)\\b.*$", "");
            head = unmask(head).replaceAll("'s$", "");
            String plural = head.endsWith("s")
                    ? head
                    : head.endsWith("y") && !head.matches(".*[aeiou]y")
                            ? head.substring(0, head.length() - 1) + "ies"
                            : head + "s";
            String variable = Conditions.variable("more " + plural);
            if (variable == null) variable = "moreItems";
            notes.add("the steps for each of the " + plural + " repeat while the variable " + variable
                    + " is true (ProcOS processes have no multi-instance activities, so the steps should set it)");
            return new Loop(body, "more " + plural, "${" + variable + " == true}");
        }

        /** Steps repeated until the words hold: back while they do not yet (and not while nothing was set). */
        Step until(List<Step> body, String kind, String words) {
            String expression = condition(words, words);
            if (expression == null) expression = "${again == true}";
            boolean whilst = kind.equalsIgnoreCase("while") || kind.equalsIgnoreCase("as long as");
            String back = whilst ? expression : Conditions.notYet(expression);
            return new Loop(body, (whilst ? "while " : "not yet: ") + label(words), back);
        }

        /** The grammar condition for {@code words}; a pronoun subject refers to the last task's object. */
        String condition(String words, String context) {
            String w = unmask(clean(words)).replaceFirst("(?i)^(?:if|when|whenever|in case|should)\\s+", "");
            String[] first = w.split("\\s+", 2);
            if (first.length == 2 && PRONOUNS.contains(first[0].toLowerCase(Locale.ROOT)) && antecedent != null)
                w = antecedent + " " + first[1];
            String e = Conditions.expression(w);
            if (e == null) {
                e = Conditions.flag(w);
                if (e != null)
                    notes.add("the condition \"" + unmask(clean(words)) + "\" is read as " + e
                            + " (a yes/no variable named after the words)");
            }
            if (e == null)
                notes.add("the condition \"" + unmask(clean(words)) + "\" is not one ProcOS can evaluate ("
                        + Conditions.why(words) + "), so \"" + unmask(clean(context)) + "\" became one task");
            return e;
        }

        /** "unless …": done when the words do not hold, or nobody said they do. */
        static String not(String expression) {
            return "${not (" + expression.substring(2, expression.length() - 1) + ")}";
        }

        boolean choiceStart(String g) {
            return IF.matcher(g).matches()
                    || IN_CASE_OF.matcher(g).matches()
                    || OTHERWISE.matcher(g).matches();
        }

        boolean startsAction(String words) {
            String w = clean(words);
            String first = w.split("\\s+")[0].toLowerCase(Locale.ROOT);
            return Verbs.startsWithVerb(w) || first.matches("[a-z]{3,}ing");
        }

        // ---- words

        Task task(String words) {
            String f = unmask(clean(words));
            if (name(f).isEmpty()) f = unmask(words.strip());
            if (name(f).isEmpty()) f = "Step";
            String[] w = f.split("\\s+", 2);
            if (w.length == 2) {
                String object = OBJECT_END.matcher(w[1]).replaceFirst("").replaceFirst("^[a-z]+ing\\s+", "");
                String bare = object.toLowerCase(Locale.ROOT);
                if (!PRONOUNS.contains(bare) && !bare.isBlank() && object.split("\\s+").length <= 6)
                    antecedent = object;
            }
            return new Task(name(f), capitalize(f) + (f.endsWith("?") ? "" : "."));
        }

        String clean(String fragment) {
            String f = fragment.strip().replaceAll("[.!;:,]+$", "").strip();
            for (int i = 0; i < 4; i++) {
                String before = f;
                f = LEADING.matcher(f).replaceFirst("").strip();
                Matcher join = JOIN.matcher(f);
                if (join.lookingAt() && join.end() < f.length())
                    f = f.substring(join.end()).strip();
                Matcher ordinal = ORDINAL.matcher(f);
                if (ordinal.matches() && (ordinal.group(2).startsWith(",") || Verbs.startsWithVerb(ordinal.group(3))))
                    f = ordinal.group(3).strip();
                if (f.equals(before)) break;
            }
            return f.replaceAll("[.!;:,]+$", "").strip();
        }

        String label(String words) {
            return unmask(clean(words));
        }

        String mask(String text) {
            Matcher q = PROTECTED.matcher(text);
            StringBuilder masked = new StringBuilder();
            while (q.find()) {
                quoted.add(q.group());
                q.appendReplacement(masked, "\u0000" + (quoted.size() - 1) + "\u0000");
            }
            q.appendTail(masked);
            return masked.toString();
        }

        String unmask(String s) {
            Matcher m = MASKED.matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find())
                m.appendReplacement(out, Matcher.quoteReplacement(quoted.get(Integer.parseInt(m.group(1)))));
            m.appendTail(out);
            return out.toString();
        }
    }

    private static List<String> split(Pattern separator, String words) {
        List<String> out = new ArrayList<>();
        for (String part : separator.split(words)) if (!part.isBlank()) out.add(part);
        return out;
    }

    /** The step's own words, at most about 80 characters, cut at a word. */
    static String name(String words) {
        String w = capitalize(words.strip().replaceAll("[.!;:,]+$", "").strip());
        if (w.length() <= 80) return w;
        int cut = w.lastIndexOf(' ', 77);
        return w.substring(0, cut > 20 ? cut : 77) + "…";
    }

    private static String processName(List<Step> steps, String words) {
        Task first = firstTask(steps);
        String name = first == null ? words : first.name();
        if (name.length() > 60) {
            int cut = name.lastIndexOf(' ', 57);
            name = name.substring(0, cut > 10 ? cut : 57) + "…";
        }
        return name(name);
    }

    private static Task firstTask(List<Step> steps) {
        for (Step s : steps) {
            Task t = s instanceof Task task
                    ? task
                    : s instanceof Parallel p
                            ? firstTask(p.branches().get(0))
                            : s instanceof Choice c
                                    ? firstTask(c.branches().get(0).steps())
                                    : firstTask(((Loop) s).steps());
            if (t != null) return t;
        }
        return null;
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
