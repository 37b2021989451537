package io.procos.das.internal;

import io.procos.api.process.ConditionExpression;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Conditions in words as {@link ConditionExpression}s on process variables: "the amount is more than
 * 1000" becomes {@code ${amount > 1000}}. A variable that is not set makes a comparison false, so the
 * "otherwise" branch runs instead of the instance stopping. A condition already written as an expression
 * is kept only when it is one of the grammar, which can call nothing.
 */
final class Conditions {

    private static final String COMPARATOR =
            "(more than|greater than|higher than|larger than|over|above|exceeds|at least|"
                    + "less than|lower than|smaller than|fewer than|below|under|at most|equal to|equals|is|=|>=|<=|>|<)";
    /** How a value is said to change before its comparison: "the price drops below 80". */
    private static final String MOVES =
            "(?:drops|falls|rises|goes|climbs|closes|stays|gets|ends|trades|moves|comes in)\\s+";
    /** "the price drops below 80", "the total is over 10,000", "the notional exceeds 2 million". */
    private static final Pattern NUMERIC = Pattern.compile(
            "^(.+?)\\s+(?:is\\s+|are\\s+|was\\s+|" + MOVES + ")?"
                    + COMPARATOR
                    + "\\s+(-?\\d+(?:[.,]\\d+)*)(?:\\s*(thousand|k|million|mn|billion|bn)\\b)?.*$",
            Pattern.CASE_INSENSITIVE);
    /** Two variables compared: "the quantity is less than the ordered amount". */
    private static final Pattern BETWEEN = Pattern.compile(
            "^(.+?)\\s+(?:is\\s+|are\\s+|was\\s+|" + MOVES + ")?" + COMPARATOR.replace("|is|=", "")
                    + "\\s+([A-Za-z][A-Za-z ]*)$",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern TEXT =
            Pattern.compile("^(.+?)\\s+(?:is|equals|=)\\s+[\"“']([^\"”']+)[\"”']$", Pattern.CASE_INSENSITIVE);
    private static final Pattern STATE =
            Pattern.compile("^(.+?)\\s+(?:is|are)\\s+(not\\s+)?([a-z]+)$", Pattern.CASE_INSENSITIVE);
    private static final Set<String> SKIP = Set.of(
            "the", "a", "an", "our", "its", "their", "this", "that", "his", "her", "of", "for", "it", "they", "there",
            "these", "those");
    /** Left out of a yes/no variable's name: "the customer has paid" → customerPaid. */
    private static final Set<String> AUXILIARIES = Set.of(
            "is",
            "are",
            "was",
            "were",
            "be",
            "been",
            "being",
            "has",
            "have",
            "had",
            "does",
            "do",
            "did",
            "will",
            "would",
            "should",
            "can",
            "could",
            "not",
            "no",
            "never",
            "any",
            "some",
            "all",
            "both",
            "anything",
            "something",
            "to",
            "with",
            "into",
            "at",
            "in",
            "on",
            "of",
            "for",
            "we",
            "you",
            "i",
            "he",
            "she",
            "them",
            "still",
            "already");

    private Conditions() {}

    /** A JUEL expression, or null when the words are no condition ProcOS understands. */
    static String expression(String words) {
        String w = words.strip().replaceAll("[.,;:]+$", "").replaceFirst("(?i)^(if|when|whenever|in case)\\s+", "");
        if (w.contains("${") || w.contains("#{")) {
            try {
                return ConditionExpression.parse(w).text();
            } catch (IllegalArgumentException notOfTheGrammar) {
                return null;
            }
        }
        Matcher m = NUMERIC.matcher(w);
        if (m.matches()) {
            String variable = variable(m.group(1));
            if (variable == null) return null;
            return guarded(variable, variable + " " + operator(m.group(2)) + " " + number(m.group(3), m.group(4)));
        }
        m = BETWEEN.matcher(w);
        if (m.matches()) {
            String left = variable(m.group(1));
            String right = variable(m.group(3));
            if (left != null && right != null && !left.equals(right))
                return guarded(left, left + " " + operator(m.group(2)) + " " + right);
        }
        m = TEXT.matcher(w);
        if (m.matches()) {
            String variable = variable(m.group(1));
            return variable == null
                    ? null
                    : guarded(variable, variable + " == '" + m.group(2).replace("'", "") + "'");
        }
        m = STATE.matcher(w);
        if (m.matches()) {
            String variable = variable(m.group(1) + " " + m.group(3));
            if (variable == null) return null;
            return guarded(variable, m.group(2) == null ? variable + " == true" : "not (" + variable + " == true)");
        }
        return null;
    }

    private static String operator(String words) {
        return switch (words.toLowerCase(Locale.ROOT)) {
            case "more than", "greater than", "higher than", "larger than", "over", "above", "exceeds", ">" -> ">";
            case "at least", ">=" -> ">=";
            case "less than", "lower than", "smaller than", "fewer than", "below", "under", "<" -> "<";
            case "at most", "<=" -> "<=";
            default -> "==";
        };
    }

    /** "10,000" → 10000, "2.5" → 2.5, "2 million" → 2000000. */
    private static String number(String digits, String scale) {
        String d = digits.matches("-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?")
                ? digits.replace(",", "")
                : digits.replace(',', '.');
        if (d.chars().filter(ch -> ch == '.').count() > 1) d = d.replace(".", "");
        BigDecimal n = new BigDecimal(d);
        if (scale != null)
            n = n.multiply(
                    switch (scale.toLowerCase(Locale.ROOT)) {
                        case "thousand", "k" -> BigDecimal.valueOf(1_000);
                        case "million", "mn" -> BigDecimal.valueOf(1_000_000);
                        default -> BigDecimal.valueOf(1_000_000_000);
                    });
        return n.stripTrailingZeros().scale() <= 0
                ? n.setScale(0, java.math.RoundingMode.UNNECESSARY).toPlainString()
                : n.stripTrailingZeros().toPlainString();
    }

    /**
     * The offline generator's last resort for words that are no comparison: a yes/no variable named after
     * them, "it mentions penalties" → {@code ${mentionsPenalties == true}}, "the file does not exist" →
     * {@code ${not (fileExist == true)}}; null when no name can be made. Never used for a language model's
     * conditions, which must say what they compare.
     */
    static String flag(String words) {
        String w = words.strip()
                .replaceAll("[.,;:!?]+$", "")
                .replaceFirst("(?i)^(if|when|whenever|in case|should)\\s+", "");
        boolean negated =
                Pattern.compile("(?i)\\b(not|no|never)\\b|n't\\b").matcher(w).find();
        w = w.replaceAll("(?i)n't\\b", "")
                .replaceAll("(?i)\\s+(by|from|within|after|before|than|because|since)\\s+.*$", "");
        List<String> parts = new ArrayList<>();
        for (String part : w.split("[^A-Za-z0-9]+")) {
            String p = part.toLowerCase(Locale.ROOT);
            if (p.isEmpty() || SKIP.contains(p) || AUXILIARIES.contains(p)) continue;
            if (parts.size() < 5) parts.add(p);
        }
        if (parts.isEmpty() || !Character.isLetter(parts.get(0).charAt(0))) return null;
        String variable = camel(parts);
        return guarded(variable, negated ? "not (" + variable + " == true)" : variable + " == true");
    }

    /**
     * The condition that holds while {@code expression} does not yet, and that is false, like every
     * comparison, while its variable is not set: for "until the error is below 0.01" a loop goes back on
     * {@code ${error >= 0.01}} and stops when nobody set the error.
     */
    static String notYet(String expression) {
        Matcher m = Pattern.compile("^\\$\\{(\\w+) (==|!=|<=|>=|<|>) (.+)}$").matcher(expression);
        if (m.matches()) {
            String op =
                    switch (m.group(2)) {
                        case "<" -> ">=";
                        case ">" -> "<=";
                        case "<=" -> ">";
                        case ">=" -> "<";
                        case "!=" -> "==";
                        default -> m.group(3).equals("true") ? "==" : "!=";
                    };
            String right = m.group(3).equals("true") ? "false" : m.group(3);
            return ConditionExpression.parse("${" + m.group(1) + " " + op + " " + right + "}")
                    .text();
        }
        m = Pattern.compile("^\\$\\{not \\((\\w+) == true\\)}$").matcher(expression);
        if (m.matches()) return "${" + m.group(1) + " == true}";
        return ConditionExpression.parse("${not (" + expression.substring(2, expression.length() - 1) + ")}")
                .text();
    }

    /** Why {@code words} are no condition ProcOS can evaluate, and what would be. */
    static String why(String words) {
        if (words != null && (words.contains("${") || words.contains("#{"))) {
            try {
                ConditionExpression.parse(words.strip()
                        .replaceFirst("(?i)^(if|when|whenever|in case)\\s+", "")
                        .replaceAll("[.,;:]+$", ""));
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        return "say it like \"the amount is more than 1000\" or write ${amount > 1000}";
    }

    /** The test as a grammar condition (a variable that is not set makes it false), or null: "not" is no variable. */
    private static String guarded(String variable, String test) {
        try {
            return ConditionExpression.parse("${" + test + "}").text();
        } catch (IllegalArgumentException aKeywordIsNoVariable) {
            return null;
        }
    }

    /** "the delay of the shipment" → delay; "the order total" → orderTotal; "customer approved" → customerApproved. */
    static String variable(String words) {
        String w = words.replaceAll("(?i)\\s+(of|for|in|on)\\s+.*$", "");
        List<String> parts = new ArrayList<>();
        for (String part : w.split("[^A-Za-z0-9]+")) {
            if (part.isEmpty() || SKIP.contains(part.toLowerCase(Locale.ROOT))) continue;
            parts.add(part.toLowerCase(Locale.ROOT));
        }
        if (parts.isEmpty()
                || parts.size() > 4
                || !Character.isLetter(parts.get(0).charAt(0))) return null;
        return camel(parts);
    }

    private static String camel(List<String> parts) {
        StringBuilder out = new StringBuilder(parts.get(0));
        for (int i = 1; i < parts.size(); i++)
            out.append(Character.toUpperCase(parts.get(i).charAt(0)))
                    .append(parts.get(i).substring(1));
        return out.toString();
    }
}
