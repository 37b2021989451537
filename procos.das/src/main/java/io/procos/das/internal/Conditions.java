package io.procos.das.internal;

import io.procos.api.process.ConditionExpression;
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

    private static final Pattern NUMERIC = Pattern.compile(
            "^(.+?)\\s+(?:is\\s+|are\\s+|was\\s+)?(more than|greater than|higher than|larger than|over|above|exceeds|at least|"
                    + "less than|lower than|smaller than|fewer than|below|under|at most|equal to|equals|is|=|>=|<=|>|<)\\s+(-?\\d+(?:[.,]\\d+)?)\\b.*$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern TEXT =
            Pattern.compile("^(.+?)\\s+(?:is|equals|=)\\s+[\"“']([^\"”']+)[\"”']$", Pattern.CASE_INSENSITIVE);
    private static final Pattern STATE =
            Pattern.compile("^(.+?)\\s+(?:is|are)\\s+(not\\s+)?([a-z]+)$", Pattern.CASE_INSENSITIVE);
    private static final Set<String> SKIP =
            Set.of("the", "a", "an", "our", "its", "their", "this", "that", "his", "her", "of", "for");

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
            String op =
                    switch (m.group(2).toLowerCase(Locale.ROOT)) {
                        case "more than",
                                "greater than",
                                "higher than",
                                "larger than",
                                "over",
                                "above",
                                "exceeds",
                                ">" -> ">";
                        case "at least", ">=" -> ">=";
                        case "less than", "lower than", "smaller than", "fewer than", "below", "under", "<" -> "<";
                        case "at most", "<=" -> "<=";
                        default -> "==";
                    };
            return guarded(variable, variable + " " + op + " " + m.group(3).replace(',', '.'));
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
            return m.group(2) == null ? guarded(variable, variable + " == true") : "${not (" + variable + " == true)}";
        }
        return null;
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

    private static String guarded(String variable, String test) {
        return ConditionExpression.parse("${" + test + "}").text(); // a variable that is not set makes it false
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
        StringBuilder out = new StringBuilder(parts.get(0));
        for (int i = 1; i < parts.size(); i++)
            out.append(Character.toUpperCase(parts.get(i).charAt(0)))
                    .append(parts.get(i).substring(1));
        return out.toString();
    }
}
