package io.procos.api.process;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The conditions ProcOS processes may carry on their sequence flows: a small grammar over process
 * variables that can call nothing. A condition is comparisons of variables and literals joined by
 * and/or/not, written like the engine's expressions, {@code ${amount > 1000 && region == 'EU'}}:
 *
 * <pre>
 * condition  := or
 * or         := and (("||" | "or") and)*
 * and        := not (("&&" | "and") not)*
 * not        := ("!" | "not") not | comparison
 * comparison := operand (("==" | "!=" | "&lt;" | "&gt;" | "&lt;=" | "&gt;=" | "eq" | "ne" | "lt" | "gt" | "le" | "ge") operand)?
 * operand    := "(" or ")" | variable | number | 'text' | "text" | true | false | null
 * variable   := letter (letter | digit | "_")*
 * </pre>
 *
 * No dots, brackets, method or function calls, arithmetic or beans: the engine evaluates a condition
 * with {@link #evaluate} over variables only. A comparison with a variable that is not set is false,
 * so an "otherwise" branch runs instead of the instance stopping.
 */
public final class ConditionExpression {

    private static final Set<String> KEYWORDS = Set.of(
            "and",
            "or",
            "not",
            "eq",
            "ne",
            "lt",
            "gt",
            "le",
            "ge",
            "true",
            "false",
            "null",
            "empty",
            "div",
            "mod",
            "instanceof");

    private final String text;
    private final Node root;
    private final Set<String> variables;

    private ConditionExpression(String text, Node root, Set<String> variables) {
        this.text = text;
        this.root = root;
        this.variables = Collections.unmodifiableSet(variables);
    }

    /**
     * Reads a condition, with or without its {@code ${ }}.
     *
     * @throws IllegalArgumentException saying what in the text is not part of the grammar, and where
     */
    public static ConditionExpression parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("the condition is empty");
        String body = text.strip();
        if ((body.startsWith("${") || body.startsWith("#{")) && body.endsWith("}"))
            body = body.substring(2, body.length() - 1);
        if (body.length() > 2000) throw new IllegalArgumentException("the condition is longer than 2000 characters");
        Parser p = new Parser(body);
        Node root = p.or();
        p.skip();
        if (p.pos < body.length())
            throw p.error("unexpected '" + body.substring(p.pos, Math.min(body.length(), p.pos + 12)) + "'");
        return new ConditionExpression("${" + body.strip() + "}", root, p.variables);
    }

    /** True when {@code text} is a condition of this grammar. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The condition as the engine's expression text, {@code ${…}}. */
    public String text() {
        return text;
    }

    /** The variables it reads. */
    public Set<String> variables() {
        return variables;
    }

    /** Evaluates the condition; {@code variables} answers a variable's value, or {@link #UNSET} when it is not set. */
    public boolean evaluate(Function<String, Object> variables) {
        return truth(root.value(variables));
    }

    /** What a variable lookup answers for a variable that is not set (a set variable may hold null). */
    public static final Object UNSET = new Object() {
        @Override
        public String toString() {
            return "unset";
        }
    };

    @Override
    public String toString() {
        return text;
    }

    private static boolean truth(Object v) {
        return Boolean.TRUE.equals(v) || (v instanceof String s && s.equalsIgnoreCase("true"));
    }

    private interface Node {
        Object value(Function<String, Object> variables);
    }

    private record Literal(Object value) implements Node {
        public Object value(Function<String, Object> variables) {
            return value;
        }
    }

    private record Variable(String name) implements Node {
        public Object value(Function<String, Object> variables) {
            return variables.apply(name);
        }
    }

    private record Not(Node operand) implements Node {
        public Object value(Function<String, Object> variables) {
            return !truth(operand.value(variables));
        }
    }

    private record Junction(boolean and, List<Node> operands) implements Node {
        public Object value(Function<String, Object> variables) {
            for (Node n : operands) {
                boolean t = truth(n.value(variables));
                if (and && !t) return false;
                if (!and && t) return true;
            }
            return and;
        }
    }

    private record Comparison(Node left, String op, Node right) implements Node {
        public Object value(Function<String, Object> variables) {
            Object a = left.value(variables);
            Object b = right.value(variables);
            if (a == UNSET || b == UNSET) return false;
            if (op.equals("==") || op.equals("!=")) return equal(a, b) == op.equals("==");
            Integer c = compare(a, b);
            if (c == null) return false;
            return switch (op) {
                case "<" -> c < 0;
                case ">" -> c > 0;
                case "<=" -> c <= 0;
                default -> c >= 0;
            };
        }

        private static boolean equal(Object a, Object b) {
            if (a == null || b == null) return a == b;
            BigDecimal x = number(a);
            BigDecimal y = number(b);
            if (x != null && y != null && (a instanceof Number || b instanceof Number)) return x.compareTo(y) == 0;
            if (a instanceof Boolean || b instanceof Boolean)
                return String.valueOf(a).equalsIgnoreCase(String.valueOf(b));
            return String.valueOf(a).equals(String.valueOf(b));
        }

        private static Integer compare(Object a, Object b) {
            if (a == null || b == null) return null;
            BigDecimal x = number(a);
            BigDecimal y = number(b);
            if (x != null && y != null) return x.compareTo(y);
            if (a instanceof String s && b instanceof String t) return s.compareTo(t);
            return null;
        }

        private static BigDecimal number(Object v) {
            if (v instanceof Number n) {
                try {
                    return new BigDecimal(n.toString());
                } catch (NumberFormatException e) {
                    return null; // NaN, infinity
                }
            }
            if (v instanceof String s) {
                try {
                    return new BigDecimal(s.strip());
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            return null;
        }
    }

    /** A recursive-descent reader of the grammar above. */
    private static final class Parser {
        private final String s;
        private int pos;
        private int depth;
        private final Set<String> variables = new LinkedHashSet<>();

        Parser(String s) {
            this.s = s;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException(
                    what + " at position " + (pos + 1) + " of the condition '" + s + "': a condition "
                            + "compares variables with literals (==, !=, <, >, <=, >=) joined by and, or, not; it calls nothing");
        }

        void skip() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        boolean symbol(String sym) {
            skip();
            if (s.startsWith(sym, pos)) {
                pos += sym.length();
                return true;
            }
            return false;
        }

        boolean word(String w) {
            skip();
            int end = pos + w.length();
            if (s.regionMatches(true, pos, w, 0, w.length())
                    && (end >= s.length() || !Character.isLetterOrDigit(s.charAt(end)) && s.charAt(end) != '_')) {
                pos = end;
                return true;
            }
            return false;
        }

        Node or() {
            if (++depth > 50) throw error("nested too deeply");
            List<Node> parts = new ArrayList<>(List.of(and()));
            while (symbol("||") || word("or")) parts.add(and());
            depth--;
            return parts.size() == 1 ? parts.get(0) : new Junction(false, parts);
        }

        Node and() {
            List<Node> parts = new ArrayList<>(List.of(not()));
            while (symbol("&&") || word("and")) parts.add(not());
            return parts.size() == 1 ? parts.get(0) : new Junction(true, parts);
        }

        Node not() {
            skip();
            if (s.startsWith("!=", pos)) throw error("'!=' without a left side");
            if (symbol("!") || word("not")) {
                if (++depth > 50) throw error("nested too deeply");
                Node n = new Not(not());
                depth--;
                return n;
            }
            return comparison();
        }

        Node comparison() {
            Node left = operand();
            String op = operator();
            if (op == null) return left;
            Node right = operand();
            if (operator() != null) throw error("a comparison cannot be chained; join comparisons with and/or");
            return new Comparison(left, op, right);
        }

        String operator() {
            skip();
            for (String sym : List.of("==", "!=", "<=", ">=", "<", ">")) if (symbol(sym)) return sym;
            if (word("eq")) return "==";
            if (word("ne")) return "!=";
            if (word("le")) return "<=";
            if (word("ge")) return ">=";
            if (word("lt")) return "<";
            if (word("gt")) return ">";
            return null;
        }

        Node operand() {
            skip();
            if (pos >= s.length()) throw error("the condition ends where a variable or value was expected");
            char c = s.charAt(pos);
            if (c == '(') {
                pos++;
                Node inner = or();
                if (!symbol(")")) throw error("a '(' is not closed");
                return inner;
            }
            if (c == '\'' || c == '"') return new Literal(string(c));
            if (Character.isDigit(c) || (c == '-' && pos + 1 < s.length() && Character.isDigit(s.charAt(pos + 1))))
                return number();
            if (Character.isLetter(c) || c == '_') {
                int start = pos;
                while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) pos++;
                String name = s.substring(start, pos);
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.equals("true") || lower.equals("false")) return new Literal(Boolean.valueOf(lower));
                if (lower.equals("null")) return new Literal(null);
                if (KEYWORDS.contains(lower)) {
                    pos = start;
                    throw error("'" + name + "' is not allowed here");
                }
                int after = pos;
                skip();
                if (pos < s.length() && (s.charAt(pos) == '.' || s.charAt(pos) == '(' || s.charAt(pos) == '[')) {
                    throw error("'" + name + s.charAt(pos)
                            + "' reaches into a value or calls something; only plain variables are allowed");
                }
                pos = after;
                variables.add(name);
                return new Variable(name);
            }
            throw error("'" + c + "' is not part of a condition");
        }

        Object string(char quote) {
            StringBuilder out = new StringBuilder();
            pos++;
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '\\' && pos < s.length()) {
                    out.append(s.charAt(pos++));
                } else if (c == quote) {
                    return out.toString();
                } else {
                    out.append(c);
                }
            }
            throw error("a text in quotes is not closed");
        }

        Node number() {
            int start = pos;
            if (s.charAt(pos) == '-') pos++;
            while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) pos++;
            if (pos < s.length() && (Character.isLetter(s.charAt(pos)) || s.charAt(pos) == '_')) {
                throw error("'" + s.substring(start, pos + 1) + "' is no number");
            }
            try {
                return new Literal(new BigDecimal(s.substring(start, pos)));
            } catch (NumberFormatException e) {
                throw error("'" + s.substring(start, pos) + "' is no number");
            }
        }
    }
}
