package io.procos.tde.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.procos.tde.internal.Mentions.Kind;
import io.procos.tde.internal.Mentions.Mention;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Arguments from words for any tool's JSON Schema. Each property is given a role by its name, description,
 * type, format and enum (a number of months, a percentage, an amount of money, a date, a city, a file…); each
 * value the words give ({@link Mentions}) is scored against each property by kind, unit and the words around it,
 * and values are assigned to properties jointly, best pairs first, each value to one property. Enums are matched
 * through their values, the synonyms of common units, currencies and languages, and the glosses in the
 * property's description. What the words do not give stays absent: nothing is invented.
 */
final class ArgumentFiller {

    /** Below this a value is not given to a property. */
    static final double ASSIGN = 0.5;

    enum Role {
        BOOLEAN,
        ENUM,
        NUMBER,
        NUMBER_LIST,
        STRING_LIST,
        COMMAND,
        OUTPUTS,
        DATE,
        TIME,
        URL,
        EMAIL,
        PATH,
        FOLDER,
        IMAGE,
        CODE,
        CURRENCY,
        COUNTRY,
        LANGUAGE,
        NAME,
        IDENT,
        TEXT,
        PHONE,
        CHANNEL,
        ZONE,
        ADDRESS
    }

    /** A property as the filler sees it. */
    record Property(
            String name, JsonNode schema, Role role, Set<String> words, Set<String> nameWords, boolean integer) {
        boolean wants(String... any) {
            for (String a : any) if (words.contains(a)) return true;
            return false;
        }

        boolean named(String... any) {
            for (String a : any) if (nameWords.contains(a)) return true;
            return false;
        }

        String description() {
            return schema.path("description").asText("").toLowerCase(Locale.ROOT);
        }
    }

    /** What was filled and which required properties the words and variables do not give. */
    record Filled(Map<String, Object> arguments, List<String> missing, int fromWords, int properties) {}

    private static final Set<String> STOP = Set.of(
            "the",
            "a",
            "an",
            "of",
            "to",
            "in",
            "for",
            "on",
            "at",
            "by",
            "with",
            "and",
            "or",
            "is",
            "be",
            "it",
            "its",
            "as",
            "this",
            "that",
            "which",
            "e",
            "g",
            "eg",
            "i",
            "ie",
            "from",
            "into",
            "use",
            "used",
            "value",
            "optional",
            "default",
            "if",
            "not",
            "given",
            "one",
            "are",
            "will",
            "can",
            "should",
            "must");

    private final LinkedHashMap<String, Property> properties = new LinkedHashMap<>();
    private final List<String> required = new ArrayList<>();

    ArgumentFiller(JsonNode schema) {
        schema.path("required").forEach(n -> required.add(n.asText()));
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        schema.path("properties").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            properties.put(e.getKey(), property(e.getKey(), e.getValue()));
        }
    }

    Map<String, Property> properties() {
        return properties;
    }

    List<String> required() {
        return required;
    }

    // ---------------------------------------------------------------------------------------------------------
    // roles

    static Property property(String name, JsonNode schema) {
        Set<String> nameWords = new HashSet<>();
        for (String w : split(name).split(" ")) {
            if (w.isBlank()) continue;
            nameWords.add(w);
            nameWords.add(stem(w));
        }
        Set<String> words = new HashSet<>(nameWords);
        String description = (schema.path("description").asText("") + " "
                        + schema.path("title").asText(""))
                .toLowerCase(Locale.ROOT);
        words.addAll(words(description));
        String type = schema.path("type").isArray()
                ? schema.path("type").path(0).asText()
                : schema.path("type").asText();
        String format = schema.path("format").asText("");
        boolean integer = type.equals("integer");
        return new Property(
                name, schema, role(nameWords, words, description, type, format, schema), words, nameWords, integer);
    }

    private static boolean any(Set<String> words, String... any) {
        for (String a : any) if (words.contains(a)) return true;
        return false;
    }

    private static Role role(
            Set<String> n, Set<String> w, String description, String type, String format, JsonNode schema) {
        if (type.equals("boolean")) return Role.BOOLEAN;
        if (schema.has("enum")) return Role.ENUM;
        if (type.equals("number") || type.equals("integer")) return Role.NUMBER;
        if (type.equals("array")) {
            String it = schema.path("items").path("type").asText();
            if (it.equals("number") || it.equals("integer")) return Role.NUMBER_LIST;
            if (any(n, "command", "cmd", "argv", "args", "arguments")) return Role.COMMAND;
            if (any(n, "variable", "output", "return")) return Role.OUTPUTS;
            return Role.STRING_LIST;
        }
        if (format.equals("date-time")) return Role.TIME;
        if (format.equals("date") || any(n, "date", "deadline", "birthday") || n.size() <= 2 && n.contains("day"))
            return Role.DATE;
        if (format.equals("time")
                || any(n, "time", "start", "end") && (description.contains("hh:mm") || description.contains("time")))
            return Role.TIME;
        if (format.equals("uri") || format.equals("url") || any(n, "url", "uri", "link", "endpoint", "website"))
            return Role.URL;
        if (format.equals("email") || any(n, "email", "mail")) return Role.EMAIL;
        if (any(n, "phone", "mobile", "tel", "msisdn") || description.contains("e.164")) return Role.PHONE;
        if (any(n, "channel")) return Role.CHANNEL;
        if (any(n, "zone", "timezone", "tz") || description.contains("iana")) return Role.ZONE;
        if (any(n, "address", "street") && !any(n, "email", "ip", "mail")) return Role.ADDRESS;
        if (any(n, "image") && !any(n, "path", "file")) return Role.IMAGE;
        if (any(n, "folder", "dir", "directory", "workdir")) return Role.FOLDER;
        if (any(n, "path", "file", "filename")) return Role.PATH;
        if (any(n, "script", "sql", "command", "expression", "formula")
                || n.contains("code")
                        && !any(n, "country", "currency", "language", "zip", "postal", "airport")
                        && !w.contains("iso")) return Role.CODE;
        if (any(n, "currency") || description.contains("currency")) return Role.CURRENCY;
        if (any(n, "country")) return Role.COUNTRY;
        if (any(n, "language", "lang", "locale")) return Role.LANGUAGE;
        // a string the description says is a file: "output": "path of the PNG to write"
        if (!any(n, "text", "content", "body", "message", "data", "query")
                && (w.contains("path") || w.contains("file") && !w.contains("text"))) return Role.PATH;
        if (any(
                n,
                "sku",
                "id",
                "number",
                "reference",
                "ref",
                "ticket",
                "symbol",
                "ticker",
                "zip",
                "postcode",
                "code",
                "isbn",
                "iban",
                "plate")) return Role.IDENT;
        if (any(
                n,
                "city",
                "location",
                "place",
                "destination",
                "origin",
                "name",
                "customer",
                "recipient",
                "person",
                "company",
                "vendor",
                "supplier",
                "employee",
                "owner",
                "assignee",
                "room",
                "attendee",
                "author",
                "region",
                "site",
                "warehouse",
                "team",
                "department",
                "host",
                "from",
                "to",
                "source",
                "target",
                "user",
                "who",
                "contact",
                "client",
                "account")) return Role.NAME;
        return Role.TEXT;
    }

    /** "weight_kg", "fromUnit", "lat1" → weight kg, from unit, lat 1. */
    static String split(String name) {
        return name.replaceAll("([a-z])([A-Z])", "$1 $2")
                .replaceAll("([A-Za-z])(\\d)", "$1 $2")
                .replaceAll("[_\\-.]+", " ")
                .toLowerCase(Locale.ROOT);
    }

    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}%$€£]+")) {
            if (w.isEmpty() || STOP.contains(w)) continue;
            out.add(w);
            String stem = stem(w);
            if (!stem.equals(w)) out.add(stem);
        }
        return out;
    }

    static String stem(String w) {
        if (w.length() > 4 && w.endsWith("ies")) return w.substring(0, w.length() - 3) + "y";
        if (w.length() > 5 && w.endsWith("ing")) return w.substring(0, w.length() - 3);
        if (w.length() > 4 && w.endsWith("ed")) return w.substring(0, w.length() - 2);
        if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss")) return w.substring(0, w.length() - 1);
        return w;
    }

    // ---------------------------------------------------------------------------------------------------------
    // filling

    /** Fills from the words first, then from process variables of the same name. */
    Filled fill(Mentions mentions, Map<String, Object> variables) {
        Map<String, Object> out = new LinkedHashMap<>();
        Set<Mention> used = new HashSet<>();
        String text = mentions.text();
        String lower = text.toLowerCase(Locale.ROOT);

        // enums, booleans, codes and lists first: they read the words directly
        enums(lower, out);
        currencies(mentions, out);
        for (Property p : properties.values()) {
            Object v =
                    switch (p.role()) {
                        case BOOLEAN -> bool(p, lower);
                        case NUMBER_LIST -> numberList(mentions, used);
                        case STRING_LIST -> typedList(p, mentions, used, hasOutputPath(p));
                        case COMMAND -> command(mentions);
                        case OUTPUTS -> outputs(mentions, text);
                        case LANGUAGE -> language(p, lower);
                        default -> null;
                    };
            if (v != null && !out.containsKey(p.name())) out.put(p.name(), v);
        }
        coordinates(mentions, used, out);

        keyed(text, out, mentions, used);
        // numbers written as a list ("1, 2, 3 and 4") are one value: none of them is a scalar's
        Set<Mention> inList = new HashSet<>(numberRun(mentions, 3));
        // the rest: every (property, value) pair scored, best first
        List<Pair> pairs = new ArrayList<>();
        for (Property p : properties.values()) {
            if (out.containsKey(p.name())) continue;
            for (Mention m : mentions.all()) {
                if (used.contains(m) || inList.contains(m)) continue;
                Object value = value(p, m);
                if (value == null) continue;
                double s = score(p, m);
                if (s >= ASSIGN) pairs.add(new Pair(p, m, value, s));
            }
        }
        // equal scores: the values in the order the schema lists its properties ("200 by 80" is width, height)
        Map<Mention, Integer> mentionRank = new java.util.IdentityHashMap<>();
        Map<Kind, Integer> counts = new java.util.EnumMap<>(Kind.class);
        for (Mention m : mentions.all()) mentionRank.put(m, counts.merge(m.kind(), 1, Integer::sum) - 1);
        Map<Property, Integer> propertyRank = new java.util.IdentityHashMap<>();
        for (Property p : properties.values()) propertyRank.put(p, rank(p));
        pairs.sort((a, b) -> {
            int c = Double.compare(b.score, a.score);
            if (c != 0) return c;
            int da = Math.abs(propertyRank.get(a.property) - mentionRank.get(a.mention));
            int db = Math.abs(propertyRank.get(b.property) - mentionRank.get(b.mention));
            if (da != db) return Integer.compare(da, db);
            return Integer.compare(a.mention.start(), b.mention.start());
        });
        for (Pair pair : pairs) {
            if (out.containsKey(pair.property.name()) || used.contains(pair.mention)) continue;
            // "from Tokyo to Tokyo" says nothing: like properties get different values
            if (properties.values().stream()
                    .anyMatch(q -> q != pair.property
                            && q.role() == pair.property.role()
                            && pair.value.equals(out.get(q.name())))) continue;
            if (!fits(pair.property, pair.value)) continue;
            out.put(pair.property.name(), pair.value);
            used.add(pair.mention);
            // the same value written twice (in the name and the documentation) is one value
            for (Mention other : mentions.all())
                if (other.kind() == pair.mention.kind() && other.value().equals(pair.mention.value())) used.add(other);
        }
        for (Property p : properties.values()) {
            if (p.role() == Role.STRING_LIST && !out.containsKey(p.name())) {
                List<Object> v = genericList(mentions, used);
                if (v != null) out.put(p.name(), v);
            }
        }
        frequencies(lower, out);
        for (Property p : properties.values()) {
            // "the median" is the 50th percentile
            if (!out.containsKey(p.name())
                    && p.role() == Role.NUMBER
                    && p.named("percentile")
                    && lower.contains("median")) out.put(p.name(), 50L);
        }
        for (Property p : properties.values()) {
            if (out.containsKey(p.name()) || p.role() != Role.TEXT && p.role() != Role.NAME) continue;
            if (!p.named("item", "product", "article", "goods", "material", "part", "items")) continue;
            Matcher m = ITEM.matcher(text);
            if (m.find()) out.put(p.name(), m.group(1).strip());
        }
        // free text for what reads as text, when nothing quoted gave it
        for (Property p : properties.values()) {
            if (out.containsKey(p.name()) || p.role() != Role.TEXT && p.role() != Role.CODE) continue;
            String t = freeText(p, text);
            if (t != null && fits(p, t)) out.put(p.name(), t);
        }
        int fromWords = out.size();
        Map<String, Object> byKey = new LinkedHashMap<>();
        variables.forEach((k, v) -> byKey.put(key(k), v));
        List<String> missing = new ArrayList<>();
        for (Property p : properties.values()) {
            if (!out.containsKey(p.name())) {
                Object v = byKey.get(key(p.name()));
                if (v != null) out.put(p.name(), v);
            }
            if (!out.containsKey(p.name()) && required.contains(p.name())) missing.add(p.name());
        }
        // keep the schema's order
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (String name : properties.keySet()) if (out.containsKey(name)) ordered.put(name, out.get(name));
        return new Filled(ordered, missing, fromWords, properties.size());
    }

    private record Pair(Property property, Mention mention, Object value, double score) {}

    /** Where a property stands among the schema's properties of its role. */
    private int rank(Property p) {
        int i = 0;
        for (Property q : properties.values()) {
            if (q == p) return i;
            if (q.role() == p.role()) i++;
        }
        return i;
    }

    /** The value a mention gives a property of its role, or null when it cannot be one. */
    private static Object value(Property p, Mention m) {
        Kind k = m.kind();
        return switch (p.role()) {
            case NUMBER -> k == Kind.NUMBER ? number(p, m) : null;
            case DATE -> k == Kind.DATE ? m.value() : k == Kind.DATETIME ? ((String) m.value()).substring(0, 10) : null;
            case TIME -> k == Kind.TIME || k == Kind.DATETIME ? m.value() : null;
            case PHONE -> k == Kind.PHONE ? ((String) m.value()).replaceAll("[\\s()/-]", "") : null;
            case CHANNEL -> k == Kind.CHANNEL
                    ? m.value()
                    : k == Kind.QUOTE && ((String) m.value()).startsWith("#") ? m.value() : null;
            case ZONE -> k == Kind.ZONE ? m.value() : k == Kind.NAME ? Units.zone((String) m.value()) : null;
            case ADDRESS -> k == Kind.ADDRESS || k == Kind.QUOTE ? m.value() : k == Kind.NAME ? m.value() : null;
            case URL -> k == Kind.URL ? m.value() : null;
            case EMAIL -> k == Kind.EMAIL ? m.value() : null;
            case IMAGE -> k == Kind.IMAGE
                    ? m.value()
                    : k == Kind.QUOTE && isImage((String) m.value()) ? m.value() : null;
            case PATH -> k == Kind.PATH || k == Kind.FOLDER
                    ? m.value()
                    : k == Kind.QUOTE && ((String) m.value()).matches("[\\w./-]+\\.[A-Za-z0-9]{1,8}")
                            ? m.value()
                            : null;
            case FOLDER -> k == Kind.FOLDER || k == Kind.PATH && !((String) m.value()).matches(".*\\.[A-Za-z0-9]{1,8}")
                    ? m.value()
                    : null;
            case CODE -> k == Kind.CODE || k == Kind.QUOTE ? m.value() : null;
            case TEXT -> k == Kind.QUOTE
                            || k == Kind.URL && p.wants("url", "link", "uri", "address")
                            || k == Kind.CODE && (p.wants("code", "script", "command", "sql", "expression", "query"))
                    ? m.value()
                    : k == Kind.NAME && p.named("title", "subject", "topic", "query", "keyword", "term")
                            ? m.value()
                            : null;
            case NAME -> wantsCountryCode(p)
                    ? k == Kind.NAME ? country(p, (String) m.value()) : null
                    : k == Kind.NAME
                                    || k == Kind.QUOTE
                                    || k == Kind.IDENT && p.named("room", "site", "gate", "dock", "location")
                            ? m.value()
                            : null;
            case IDENT -> k == Kind.IDENT || k == Kind.QUOTE
                    ? m.value()
                    : k == Kind.NAME && ((String) m.value()).matches("[A-Z0-9.]{1,6}")
                            ? m.value()
                            : k == Kind.NUMBER && m.unit() == null && m.value() instanceof Long
                                    ? String.valueOf(m.value())
                                    : null;
            case COUNTRY -> k == Kind.NAME ? country(p, (String) m.value()) : null;
            default -> null;
        };
    }

    private static boolean isImage(String s) {
        return s.matches("[a-z0-9][a-z0-9._/-]*:[\\w.-]+");
    }

    /** A number in the property's unit: a percentage as a fraction where the property wants one, years as months. */
    private static Object number(Property p, Mention m) {
        double v = ((Number) m.value()).doubleValue();
        String unit = m.unit();
        if (unit != null) {
            if (unit.equals("%") || unit.equals("percent") || unit.equals("pct")) {
                String d = p.description();
                if (d.contains("fraction")
                        || d.contains("decimal")
                        || d.matches(".*0\\.\\d+\\s*(?:=|for|means|is)\\s*\\d+\\s*%.*")
                        || d.contains("between 0 and 1")
                        || d.contains("0-1")
                        || d.contains("0 to 1")) v = v / 100;
            } else if (durationUnit(unit) != null) {
                // "go back 14 days", "3 days before", "minus 2 weeks"
                String b = m.before();
                if ((b.endsWith("back")
                                || b.endsWith("minus")
                                || b.endsWith("subtract")
                                || b.contains("go back")
                                || m.after().startsWith("before")
                                || m.after().startsWith("ago")
                                || m.after().startsWith("earlier"))
                        && !(p.schema().has("minimum")
                                && p.schema().get("minimum").asDouble() >= 0)) v = -v;
                String wanted = wantedDuration(p);
                if (wanted != null && !wanted.equals(durationUnit(unit))) {
                    Double converted = Units.convertDuration(v, unit, wanted);
                    if (converted == null) return null;
                    v = converted;
                }
            }
        }
        if (p.integer()) {
            if (v != Math.rint(v)) return null;
            return (long) v;
        }
        return m.value() instanceof Long && v == Math.rint(v) ? (Object) (long) v : v;
    }

    private static String durationUnit(String unit) {
        return Units.duration(unit);
    }

    private static String wantedDuration(Property p) {
        for (String w : p.nameWords()) {
            if (w.length() <= 3 && !w.equals("day")) continue; // "min" is a minimum, "s" a plural
            String c = durationUnit(w);
            if (c != null) return c;
        }
        String d = p.description();
        for (String w :
                List.of("seconds", "minutes", "hours", "days", "weeks", "months", "years", "month", "day", "year")) {
            if (regex("\\b(?:in|of|number of|how many)\\s+" + w + "\\b")
                    .matcher(d)
                    .find()) return durationUnit(w);
        }
        return null;
    }

    /** How well a value belongs to a property: its kind, its unit and the words around it. */
    private static double score(Property p, Mention m) {
        double s = 0.5;
        Set<String> context = new HashSet<>();
        List<String> before = Arrays.asList(m.before().split(" "));
        for (int i = 0; i < before.size(); i++) {
            String w = before.get(i);
            if (w.isEmpty()) continue;
            context.add(w);
            context.add(stem(w));
        }
        for (String w : m.after().split(" ")) {
            if (w.isEmpty()) continue;
            context.add(w);
            context.add(stem(w));
        }
        // the words nearest the value say most: "a loan of 20000", "48 months", "at 6 percent"
        double near = 0;
        int n = before.size();
        for (int i = n - 1, d = 0; i >= 0 && d < 4; i--, d++) {
            String w = before.get(i);
            if (STOP.contains(w) || w.isEmpty()) continue;
            if (p.nameWords().contains(w) || p.nameWords().contains(stem(w))) near = Math.max(near, 0.6 - 0.1 * d);
            else if (p.words().contains(w) || p.words().contains(stem(w))) near = Math.max(near, 0.35 - 0.07 * d);
        }
        // a number's unit is the word after it: the words after that belong to what follows
        String[] after = m.kind() == Kind.NUMBER && m.unit() != null
                ? new String[0]
                : m.after().split(" ");
        for (int i = 0; i < Math.min(2, after.length); i++) {
            String w = after[i];
            if (STOP.contains(w) || w.isEmpty()) continue;
            if (p.nameWords().contains(w) || p.nameWords().contains(stem(w))) near = Math.max(near, 0.5 - 0.15 * i);
            else if (p.words().contains(w) || p.words().contains(stem(w))) near = Math.max(near, 0.3 - 0.1 * i);
        }
        s += near;
        // order words: from/source/origin take what follows "from", to/target/destination what follows "to"
        String last = before.isEmpty() ? "" : before.get(before.size() - 1);
        String lastTwo = before.size() > 1 ? before.get(before.size() - 2) : "";
        boolean fromCue =
                last.equals("from") || lastTwo.equals("from") || last.equals("between") || lastTwo.equals("between");
        boolean toCue = last.equals("to")
                || last.equals("into")
                || last.equals("and") && (lastTwo.equals("between"))
                || lastTwo.equals("to");
        boolean fromProp = p.named("from", "source", "origin", "start", "departure", "src", "base", "sender", "pickup");
        boolean toProp = p.named("to", "target", "destination", "dest", "end", "arrival", "recipient", "quote", "dst");
        if (fromProp && fromCue || toProp && toCue) s += 0.3;
        else if (toProp && last.equals("in") && (m.kind() == Kind.ZONE || m.kind() == Kind.NAME)) s += 0.15;
        if (fromProp && toCue && !fromCue || toProp && fromCue && !toCue) s -= 0.3;
        if (m.kind() == Kind.NUMBER) s += unitFit(p, m);
        // a coordinate comes as a pair or with its name: a lone number is no latitude
        if (m.kind() == Kind.NUMBER
                && p.named("lat", "latitude", "lon", "lng", "longitude")
                && m.unit() == null
                && near == 0) s -= 0.3;
        if (m.kind() == Kind.NAME) s += nameFit(p, m, context) + 0.01 * ((String) m.value()).split(" ").length;
        if (m.kind() == Kind.QUOTE && (p.role() == Role.NAME || p.role() == Role.IDENT)) s -= 0.1;
        // what is quoted is the text a text property is for
        if (m.kind() == Kind.QUOTE
                && p.role() == Role.TEXT
                && p.named(
                        "query",
                        "text",
                        "content",
                        "body",
                        "message",
                        "subject",
                        "title",
                        "description",
                        "question",
                        "prompt",
                        "note")) s += 0.1;
        return s;
    }

    /** A number's unit against what the property says it holds. */
    private static double unitFit(Property p, Mention m) {
        String unit = m.unit();
        String wantedDuration = wantedDuration(p);
        boolean moneyProp = wantedDuration == null
                && p.wants(
                        "amount",
                        "price",
                        "cost",
                        "principal",
                        "total",
                        "budget",
                        "salary",
                        "payment",
                        "money",
                        "fee",
                        "income",
                        "revenue",
                        "spend",
                        "invoice",
                        "loan",
                        "sum",
                        "balance",
                        "limit",
                        "net",
                        "gross",
                        "eur",
                        "usd");
        // a percentage by the property's name, or by a description that says it holds one
        String d = p.description();
        boolean percentProp = wantedDuration == null
                && (p.named(
                                "percent",
                                "percentage",
                                "rate",
                                "pct",
                                "interest",
                                "discount",
                                "share",
                                "probability",
                                "ratio",
                                "margin",
                                "vat",
                                "tax",
                                "growth",
                                "inflation",
                                "fraction",
                                "yield")
                        || d.contains("percent")
                        || d.contains("%")
                        || d.contains("fraction")
                        || d.matches(".*\\brate\\b.*"));
        boolean latProp = p.named("lat", "latitude");
        boolean lonProp = p.named("lon", "lng", "long", "longitude");
        if (latProp || lonProp) {
            if ("lat".equals(unit)) return latProp ? 0.5 : -1;
            if ("lon".equals(unit)) return lonProp ? 0.5 : -1;
            return unit == null ? 0 : -1;
        }
        if (unit == null) {
            double v = ((Number) m.value()).doubleValue();
            // a bare number is a duration only where the words around it say so
            double s = wantedDuration != null ? -0.1 : 0;
            if (percentProp && Math.abs(v) > 100) s -= 0.3;
            if (wantedDuration != null && v > 1000) s -= 0.3;
            if (moneyProp && Math.abs(v) >= 100) s += 0.05;
            return s;
        }
        if (unit.equals("%") || unit.equals("percent") || unit.equals("pct") || unit.equals("per cent")) {
            if (percentProp)
                return p.named("rate", "percent", "percentage", "pct", "interest", "discount", "vat", "tax", "margin")
                        ? 0.5
                        : 0.3;
            return moneyProp || wantedDuration != null ? -0.6 : -0.1;
        }
        if (Units.currency(unit) != null) {
            return moneyProp ? 0.5 : percentProp || wantedDuration != null ? -0.6 : 0;
        }
        String duration = durationUnit(unit);
        if (duration != null) {
            if (wantedDuration != null) return wantedDuration.equals(duration) ? 0.6 : 0.3;
            if (p.wants("duration", "term", "period", "length", "horizon", "days", "months", "years", "weeks"))
                return 0.2;
            return moneyProp || percentProp ? -0.6 : -0.2;
        }
        // a quantity's unit named by the property ("weight_kg" and 12 kg) or its description
        for (String meaning : Units.meanings(unit)) {
            if (p.nameWords().contains(meaning)) return 0.5;
        }
        for (String meaning : Units.meanings(unit)) {
            if (p.words().contains(meaning)) return 0.3;
        }
        if (moneyProp || percentProp) return -0.4;
        // a unit the property does not name, for a property that names another
        for (String w : p.nameWords()) if (Units.known(w) && !w.equals("number")) return -0.4;
        return 0;
    }

    private static double nameFit(Property p, Mention m, Set<String> context) {
        String name = (String) m.value();
        boolean placeProp = p.named(
                "city",
                "location",
                "place",
                "destination",
                "origin",
                "region",
                "site",
                "from",
                "to",
                "timezone",
                "zone",
                "town",
                "airport",
                "warehouse");
        boolean personProp = p.named(
                "customer",
                "recipient",
                "person",
                "name",
                "employee",
                "owner",
                "assignee",
                "attendee",
                "author",
                "user",
                "vendor",
                "supplier",
                "company",
                "who");
        boolean place = Units.country(name) != null
                || context.contains("in")
                || context.contains("at")
                || context.contains("near")
                || context.contains("city");
        double s = 0;
        if (placeProp && place) s += 0.15;
        if (personProp
                && (context.contains("for")
                        || context.contains("customer")
                        || context.contains("by")
                        || context.contains("from")
                        || context.contains("vendor")
                        || context.contains("supplier"))) s += 0.1;
        if (p.role() == Role.TEXT) s -= 0.2;
        return s;
    }

    /** Whether a value satisfies the property's own constraints (range, enum, length, pattern). */
    private static boolean fits(Property p, Object value) {
        JsonNode s = p.schema();
        if (value instanceof Number n) {
            double v = n.doubleValue();
            if (s.has("minimum") && v < s.get("minimum").asDouble()) return false;
            if (s.has("maximum") && v > s.get("maximum").asDouble()) return false;
            if (s.has("exclusiveMinimum")
                    && s.get("exclusiveMinimum").isNumber()
                    && v <= s.get("exclusiveMinimum").asDouble()) return false;
            if (p.named("lat", "latitude") && Math.abs(v) > 90) return false;
            if (p.named("lon", "lng", "longitude") && Math.abs(v) > 180) return false;
        }
        if (value instanceof String str) {
            if (s.has("pattern")) {
                try {
                    if (!regex(s.get("pattern").asText()).matcher(str).find()) return false;
                } catch (RuntimeException e) {
                    // a pattern Java cannot read does not refuse
                }
            }
            if (s.has("maxLength") && str.length() > s.get("maxLength").asInt()) return false;
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------
    // roles that read the words directly

    /** Enum values found in the words, assigned to the enum properties by their order words (from / to). */
    private void enums(String lower, Map<String, Object> out) {
        List<Property> enumProps =
                properties.values().stream().filter(p -> p.role() == Role.ENUM).toList();
        if (enumProps.isEmpty()) return;
        record Hit(Property p, String value, int at, String before, boolean afterNumber) {}
        List<Hit> hits = new ArrayList<>();
        for (Property p : enumProps) {
            Map<String, List<String>> glosses = glosses(p);
            for (JsonNode v : p.schema().path("enum")) {
                String value = v.asText();
                List<String> forms = new ArrayList<>();
                forms.addAll(Units.wordsFor(value));
                forms.addAll(glosses.getOrDefault(value, List.of()));
                String spaced = value.replace('_', ' ').replace('-', ' ').toLowerCase(Locale.ROOT);
                if (!spaced.equals(value.toLowerCase(Locale.ROOT)) && spaced.length() >= 3) forms.add(spaced);
                int best = -1;
                for (String f : forms) {
                    if (f.length() < 2 && !f.matches("[°$€£¥]")) continue;
                    Matcher m = regex("(?<![\\p{L}\\p{N}])" + Pattern.quote(f) + "(?![\\p{L}\\p{N}])")
                            .matcher(lower);
                    while (m.find()) {
                        // a two-letter word ("in", "it", "to") is the unit or language only next to a number or in
                        // capitals
                        if (f.length() <= 2 && !f.matches("[°$€£¥]") && !shortFormHere(lower, m.start(), m.end(), f))
                            continue;
                        hits.add(new Hit(p, value, m.start(), before(lower, m.start()), afterNumber(lower, m.start())));
                        best = m.start();
                    }
                }
                if (best < 0 && v.isTextual() && value.length() == 2 && p.role() == Role.ENUM) {
                    // codes written in capitals: "DE", "US"
                }
            }
        }
        hits.sort((a, b) -> Integer.compare(a.at, b.at));
        Set<Integer> usedAt = new HashSet<>();
        // order words first: "from miles to kilometres"
        for (int pass = 0; pass < 2; pass++) {
            for (Hit h : hits) {
                if (out.containsKey(h.p.name()) || usedAt.contains(h.at)) continue;
                // the unit written with the quantity is the one to convert from: "12 kg in pounds"
                boolean from = h.before.endsWith("from") || h.afterNumber && !h.before.endsWith("to");
                boolean to = h.before.endsWith("to") || h.before.endsWith("into");
                boolean fromProp = h.p.named("from", "source", "origin", "input", "src", "base");
                boolean toProp = h.p.named("to", "target", "destination", "output", "dest", "quote");
                if (pass == 0 && !(fromProp && from || toProp && to)) continue;
                if (pass == 1 && (fromProp && to && !from || toProp && from && !to)) continue;
                // the first of a pair of like properties takes the first value unless order words say otherwise
                if (pass == 1
                        && toProp
                        && hits.stream()
                                .anyMatch(o -> o.p != h.p
                                        && o.p.named("from", "source", "origin", "input", "src", "base")
                                        && !out.containsKey(o.p.name())
                                        && o.at > h.at
                                        && o.value != null
                                        && !usedAt.contains(o.at))) continue;
                out.put(h.p.name(), typed(h.p, h.value));
                usedAt.add(h.at);
            }
        }
    }

    /** A short form ("km", "mi", "fr") counts only where it reads as one: after a number, or after to/in/into. */
    private static boolean shortFormHere(String lower, int start, int end, String form) {
        String before = lower.substring(Math.max(0, start - 12), start);
        if (before.matches("(?s).*\\d\\s?$")) return true;
        if (Set.of("in", "it", "to", "on", "at", "is", "as", "or", "an", "no", "be", "de")
                .contains(form)) return false;
        return true;
    }

    private static boolean afterNumber(String lower, int at) {
        return lower.substring(Math.max(0, at - 12), at).matches("(?s).*\\d\\s?$");
    }

    private static String before(String lower, int at) {
        String b = lower.substring(Math.max(0, at - 30), at).trim();
        // the number of the quantity does not count as a word here: "from 5 miles" reads "from"
        b = b.replaceAll("[\\d.,]+$", "").trim();
        return b;
    }

    private static Object typed(Property p, String value) {
        for (JsonNode v : p.schema().path("enum"))
            if (v.asText().equals(value)) {
                if (v.isNumber()) return v.isIntegralNumber() ? (Object) v.asLong() : v.asDouble();
                if (v.isBoolean()) return v.asBoolean();
                return v.asText();
            }
        return value;
    }

    /** "unit: km (kilometres) or mi (miles)", "express = next day": what a property's description says its values mean. */
    private static Map<String, List<String>> glosses(Property p) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String d = p.schema().path("description").asText("");
        for (JsonNode v : p.schema().path("enum")) {
            String value = v.asText();
            Matcher m = regex(
                            "(?i)(?<![\\w])" + Pattern.quote(value)
                                    + "\\s*(?:\\(([^)]{2,40})\\)|[=:]\\s*([\\w -]{2,30})|\\s+(?:for|means)\\s+([\\w -]{2,30})|(?-i)\\s+([A-Z][\\p{L}-]+(?:\\s+[A-Z][\\p{L}-]+)?)(?=\\s*[,;.)]|\\s*$))")
                    .matcher(d);
            while (m.find()) {
                String g = m.group(1) != null
                        ? m.group(1)
                        : m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4);
                for (String part : g.split("\\s*(?:,|/|\\bor\\b)\\s*")) {
                    String t = part.strip().toLowerCase(Locale.ROOT);
                    if (t.length() >= 2 && !t.equals(value.toLowerCase(Locale.ROOT))) {
                        // and what the gloss itself may be written as: "°F" is Fahrenheit
                        for (String form : Units.wordsFor(t))
                            if (form.length() >= 2)
                                out.computeIfAbsent(value, k -> new ArrayList<>())
                                        .add(form);
                    }
                }
            }
        }
        return out;
    }

    /** A flag is set when the words name it, and set false when they negate it. */
    private static Boolean bool(Property p, String lower) {
        List<String> keys = new ArrayList<>();
        for (String w : split(p.name()).split(" ")) {
            if (w.isBlank()
                    || Set.of(
                                    "is",
                                    "include",
                                    "includes",
                                    "enable",
                                    "enabled",
                                    "use",
                                    "with",
                                    "flag",
                                    "only",
                                    "do",
                                    "should",
                                    "allow",
                                    "has",
                                    "show",
                                    "add",
                                    "return",
                                    "as")
                            .contains(w)) continue;
            keys.add(stem(w));
        }
        if (keys.isEmpty()) return null;
        List<String> forms = new ArrayList<>();
        String joined = String.join(" ", keys);
        forms.add(joined);
        if (keys.size() == 1) {
            String k = keys.get(0);
            switch (k) {
                case "recursive" -> forms.addAll(List.of(
                        "recursively", "subfolder", "sub-folder", "subdirector", "nested folder", "all levels"));
                case "append" -> forms.addAll(List.of("at the end", "to the end", "add to"));
                case "overwrite" -> forms.addAll(List.of("replace", "overwrit"));
                case "urgent" -> forms.addAll(List.of("urgently", "asap", "rush"));
                case "express" -> forms.addAll(List.of("expedite", "overnight"));
                default -> {}
            }
        } else if (keys.size() == 2 && keys.get(0).equals("dry") && keys.get(1).equals("run")) {
            forms.addAll(List.of("dry-run", "simulate", "without changing"));
        }
        for (String f : forms) {
            Matcher m = regex("(?<![\\p{L}])" + Pattern.quote(f)).matcher(lower);
            if (m.find()) {
                String b = lower.substring(Math.max(0, m.start() - 25), m.start());
                boolean negated = b.matches(
                        "(?s).*\\b(?:no|not|without|don't|do not|never|exclud\\w*|skip\\w*|except)\\s+(?:\\w+\\s+)?$");
                return !negated;
            }
        }
        return null;
    }

    /** The numbers of the longest run of at least {@code min} written as a list. */
    private static List<Mention> numberRun(Mentions mentions, int min) {
        List<Mention> numbers = mentions.of(Kind.NUMBER);
        String text = mentions.text();
        List<Mention> best = List.of();
        List<Mention> run = new ArrayList<>();
        for (Mention m : numbers) {
            if (!run.isEmpty()) {
                Mention last = run.get(run.size() - 1);
                String between = text.substring(last.end(), Math.max(last.end(), m.start()));
                if (!between.matches("\\s*(?:,|;|and|,\\s*and|&|\\s)\\s*")) {
                    if (run.size() > best.size()) best = run;
                    run = new ArrayList<>();
                }
            }
            run.add(m);
        }
        if (run.size() > best.size()) best = run;
        return best.size() >= min ? best : List.of();
    }

    /** The longest run of numbers written as a list: "3, 5, 8 and 13", "[1 2 3]". */
    private static List<Object> numberList(Mentions mentions, Set<Mention> used) {
        List<Mention> best = numberRun(mentions, 2);
        if (best.isEmpty()) return null;
        used.addAll(best);
        List<Object> out = new ArrayList<>();
        for (Mention m : best) out.add(m.value());
        return out;
    }

    /** Whether another property takes one path (an output, an archive): the path after "into" or "as" is for it. */
    private boolean hasOutputPath(Property list) {
        return properties.values().stream()
                .anyMatch(p -> p != list && (p.role() == Role.PATH || p.role() == Role.FOLDER));
    }

    private static boolean intoWhere(Mention m) {
        String b = m.before();
        return b.endsWith("into")
                || b.endsWith(" as")
                || b.equals("as")
                || b.endsWith("to")
                || b.endsWith("save it as")
                || b.endsWith("output")
                || b.endsWith("in");
    }

    /** Files for a list of files, addresses for a list of addresses (those after "cc" for a cc), URLs, dates. */
    private static List<Object> typedList(Property p, Mentions mentions, Set<Mention> used, boolean outputElsewhere) {
        String itemFormat = p.schema().path("items").path("format").asText("");
        Kind kind = itemFormat.equals("email")
                        || p.wants("email", "emails", "address", "addresses", "recipient", "recipients", "cc", "bcc")
                ? Kind.EMAIL
                : p.wants("file", "files", "path", "paths", "document", "attachment", "pdf")
                        ? Kind.PATH
                        : itemFormat.equals("uri") || p.wants("url", "urls", "link", "links")
                                ? Kind.URL
                                : itemFormat.equals("date") || p.wants("date", "dates") ? Kind.DATE : null;
        if (kind == null) return null;
        boolean copy = p.named("cc", "bcc");
        List<Object> out = new ArrayList<>();
        List<Mention> candidates = new ArrayList<>(mentions.of(kind));
        if (kind == Kind.PATH && p.wants("folder", "folders", "director", "directory")) {
            candidates.addAll(mentions.of(Kind.FOLDER));
            candidates.sort((a, b) -> Integer.compare(a.start(), b.start()));
        }
        for (Mention m : candidates) {
            if (out.contains(m.value())) continue;
            if (kind == Kind.PATH && outputElsewhere && intoWhere(m)) continue;
            if (kind == Kind.EMAIL) {
                String b = m.before();
                boolean afterCc = b.endsWith("cc") || b.endsWith("bcc") || b.endsWith("copy") || b.endsWith("cc to");
                if (copy != afterCc) continue;
            }
            out.add(m.value());
            used.add(m);
        }
        return out.isEmpty() ? null : out;
    }

    /** A list of other things: the quoted texts, identifiers or names the words give that nothing else took. */
    private static List<Object> genericList(Mentions mentions, Set<Mention> used) {
        for (Kind kind : List.of(Kind.QUOTE, Kind.IDENT, Kind.NAME)) {
            List<Mention> free =
                    mentions.of(kind).stream().filter(m -> !used.contains(m)).toList();
            if (free.size() >= (kind == Kind.QUOTE ? 1 : 2)) {
                List<Object> out = new ArrayList<>();
                for (Mention m : free) if (!out.contains(m.value())) out.add(m.value());
                used.addAll(free);
                return out;
            }
        }
        return null;
    }

    /** "compounded monthly" is 12 times a year, for a property that counts times per year. */
    private void frequencies(String lower, Map<String, Object> out) {
        for (Property p : properties.values()) {
            if (out.containsKey(p.name()) || p.role() != Role.NUMBER) continue;
            String d = p.description() + " " + String.join(" ", p.nameWords());
            if (!(d.contains("per year") || d.contains("a year") || d.contains("per annum") || d.contains("times")))
                continue;
            Matcher m = FREQUENCY.matcher(lower);
            if (!m.find()) continue;
            long n =
                    switch (m.group(1)) {
                        case "daily" -> 365;
                        case "weekly" -> 52;
                        case "monthly" -> 12;
                        case "quarterly" -> 4;
                        case "semi-annually", "semiannually", "half-yearly", "twice a year" -> 2;
                        default -> 1;
                    };
            out.put(p.name(), n);
        }
    }

    private static final Pattern FREQUENCY = Pattern.compile(
            "\\b(daily|weekly|monthly|quarterly|semi-annually|semiannually|half-yearly|twice a year|yearly|annually|once a year)\\b");

    private static List<Object> command(Mentions mentions) {
        List<Mention> code = mentions.of(Kind.CODE);
        if (code.isEmpty()) code = mentions.of(Kind.QUOTE);
        if (code.isEmpty()) return null;
        return List.of((Object[]) ((String) code.get(0).value()).trim().split("\\s+"));
    }

    /** What is ordered: "500 pieces of M8x40 bolts at …", "40 boxes of A4 paper from …", "12 laptops". */
    private static final Pattern ITEM = Pattern.compile(
            "\\b\\d[\\d,.]*\\s+(?:(?:pieces|units|boxes|cases|pallets|packs|rolls|crates|bags|sets|pcs|cartons|bottles|reams)\\s+of\\s+)?([\\p{L}\\d][\\p{L}\\d -]{1,60}?)(?=\\s+(?:from|at|for|with|by|to|each|per|via|on)\\b|\\s*[,.;:]|\\s*$)");
    /** "… and return deflection", "returning e". */
    private static final Pattern RETURN = Pattern.compile(
            "\\breturn(?:s|ing)?\\s+(?:the\\s+(?:value|variable)s?\\s+(?:of\\s+)?)?([A-Za-z_]\\w*)\\b(?![\\w(])");

    private static final Pattern ASSIGNED = Pattern.compile("(?:^|[;\\n,])\\s*([A-Za-z]\\w*)\\s*=(?!=)");

    /** What a script computes last is what the task is after. */
    private static List<Object> outputs(Mentions mentions, String text) {
        Matcher named = RETURN.matcher(text);
        if (named.find()) return List.of(named.group(1));
        List<Mention> code = mentions.of(Kind.CODE);
        if (code.isEmpty()) return null;
        String last = null;
        for (Matcher m = ASSIGNED.matcher((String) code.get(0).value()); m.find(); ) last = m.group(1);
        return last == null ? null : List.of(last);
    }

    /**
     * Currency codes in the order written, to the currency properties: the one written with the amount, or after
     * "from", is the source; the one after "to" or "into" the target ("Convert 2,500 EUR to USD").
     */
    private void currencies(Mentions mentions, Map<String, Object> out) {
        List<Property> props = properties.values().stream()
                .filter(p -> p.role() == Role.CURRENCY && !out.containsKey(p.name()))
                .toList();
        if (props.isEmpty()) return;
        record Seen(String code, int at, boolean withAmount, String before) {}
        List<Seen> seen = new ArrayList<>();
        for (Mention m : mentions.of(Kind.NUMBER)) {
            String c = m.unit() == null ? null : currencyOf(m.unit());
            if (c != null) seen.add(new Seen(c, m.start(), true, m.before()));
        }
        String text = mentions.text();
        Matcher w = regex("(?<![\\p{L}])([A-Z]{3}|[A-Za-z]+(?: [a-z]+)?)(?![\\p{L}])")
                .matcher(text);
        while (w.find()) {
            String word = w.group(1);
            // codes count in capitals only ("TRY", not "try"); names in any case
            String c = word.length() == 3 && !word.equals(word.toUpperCase(Locale.ROOT)) ? null : currencyOf(word);
            if (c == null && word.contains(" ")) c = currencyOf(word.substring(0, word.indexOf(' ')));
            if (c == null) continue;
            int at = w.start();
            if (seen.stream()
                    .anyMatch(x -> Math.abs(x.at - at) < 16 && x.withAmount && x.code.equals(currencyOf(word))))
                continue; // the unit of an amount already seen
            String before = text.substring(Math.max(0, at - 20), at)
                    .toLowerCase(Locale.ROOT)
                    .trim();
            // "75 British pounds": the currency of an amount written a word before it
            boolean withAmount = before.matches("(?s).*\\d\\s*(?:[\\p{L}]+\\s+)?$")
                    && !before.matches("(?s).*\\d\\s*(?:to|into|in)\\s+$");
            seen.add(new Seen(c, at, withAmount, before));
        }
        if (seen.isEmpty()) return;
        seen.sort((a, b) -> Integer.compare(a.at, b.at));
        Property from = props.stream()
                .filter(p -> p.named("from", "source", "base", "src", "input"))
                .findFirst()
                .orElse(null);
        Property to = props.stream()
                .filter(p -> p.named("to", "target", "quote", "dest", "output"))
                .findFirst()
                .orElse(null);
        if (from == null || to == null) {
            out.put(props.get(0).name(), seen.get(0).code);
            return;
        }
        Seen src = seen.stream()
                .filter(x -> x.withAmount || x.before.endsWith("from"))
                .findFirst()
                .orElse(seen.get(0));
        Seen dst = seen.stream()
                .filter(x -> x != src
                        && !x.code.equals(src.code)
                        && (x.before.endsWith("to") || x.before.endsWith("into") || x.before.endsWith("in")))
                .findFirst()
                .orElse(seen.stream()
                        .filter(x -> x != src && !x.code.equals(src.code))
                        .findFirst()
                        .orElse(null));
        out.put(from.name(), src.code);
        if (dst != null) out.put(to.name(), dst.code);
    }

    private static String currencyOf(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        if (w.equals("pound") || w.equals("pounds") || w.equals("quid")) return "GBP";
        return Units.currency(w);
    }

    /**
     * "room Fjord", "column revenue", "channel #ops", "kind: decision": a value written right after the property's
     * name. Lower-case words count only for names that hold such words (a column, a kind, a tag).
     */
    private void keyed(String text, Map<String, Object> out, Mentions mentions, Set<Mention> used) {
        for (Property p : properties.values()) {
            if (out.containsKey(p.name())) continue;
            if (!Set.of(Role.NAME, Role.TEXT, Role.IDENT, Role.CHANNEL).contains(p.role())) continue;
            String[] parts = split(p.name()).split(" ");
            String word = parts[parts.length - 1];
            if (word.length() < 3 || STOP.contains(word)) continue;
            Matcher m = regex("(?i)\\b" + Pattern.quote(word)
                            + "s?\\s+(?:called\\s+|named\\s+|is\\s+|=\\s*|:\\s*)?(?-i)([A-Za-z0-9#_][\\w#./-]*)")
                    .matcher(text);
            while (m.find()) {
                String v = m.group(1).replaceAll("[.,;:]+$", "");
                if (v.isEmpty()
                        || STOP.contains(v.toLowerCase(Locale.ROOT))
                        || NOT_VALUES.contains(v.toLowerCase(Locale.ROOT))) continue;
                boolean marked = Character.isUpperCase(v.charAt(0)) || v.matches(".*[\\d_#./-].*");
                if (!marked && !STRUCTURAL.contains(word)) continue;
                if (fits(p, v)) {
                    out.put(p.name(), v);
                    int s = m.start(1);
                    int e = s + v.length();
                    for (Mention o : mentions.all()) if (o.start() < e && o.end() > s) used.add(o);
                    break;
                }
            }
        }
    }

    /** Names whose values are ordinary lower-case words. */
    private static final Set<String> STRUCTURAL = Set.of(
            "column",
            "field",
            "kind",
            "type",
            "channel",
            "room",
            "tag",
            "label",
            "category",
            "sheet",
            "table",
            "bucket",
            "branch",
            "queue",
            "topic",
            "status",
            "mode",
            "format",
            "metric",
            "key");

    private static final Set<String> NOT_VALUES = Set.of(
            "and", "or", "with", "for", "from", "into", "in", "on", "at", "by", "that", "this", "which", "who", "is",
            "are", "was", "be", "all", "each", "every", "some", "any", "please", "then", "so", "as", "it", "its", "our",
            "my", "your", "their", "list", "name", "names", "number", "value", "values", "data");

    private static String language(Property p, String lower) {
        boolean code = p.description().contains("code")
                || p.description().contains("iso")
                || p.schema().has("pattern")
                || p.schema().path("maxLength").asInt(99) <= 5;
        for (String name : List.of(
                "english",
                "french",
                "german",
                "spanish",
                "italian",
                "portuguese",
                "dutch",
                "polish",
                "japanese",
                "chinese",
                "korean",
                "russian",
                "arabic",
                "swedish",
                "turkish")) {
            if (regex("\\b" + name + "\\b").matcher(lower).find()) {
                String iso = Units.meanings(name).get(1);
                return code ? iso : Character.toUpperCase(name.charAt(0)) + name.substring(1);
            }
        }
        return null;
    }

    private static String country(Property p, String name) {
        String code = Units.country(name);
        if (code == null) {
            // "UK VAT", "Germany office": a country named inside a longer name
            for (String w : name.split("\\s+")) {
                code = Units.country(w);
                if (code != null) break;
            }
        }
        if (code == null) return null;
        return wantsCountryCode(p)
                        || p.schema().path("maxLength").asInt(99) <= 3
                        || p.schema().has("pattern")
                        || p.named("code")
                ? code
                : name;
    }

    /** A property that holds a country's code ("ISO 3166 country code, e.g. DE"). */
    private static boolean wantsCountryCode(Property p) {
        String d = p.description();
        return d.contains("country") && (d.contains("code") || d.contains("iso"))
                || d.contains("iso 3166")
                || d.contains("alpha-2");
    }

    /** Coordinates written as pairs ("48.8566, 2.3522") go to lat/lon properties in the schema's order. */
    private void coordinates(Mentions mentions, Set<Mention> used, Map<String, Object> out) {
        List<Property> lats = properties.values().stream()
                .filter(p -> p.role() == Role.NUMBER && p.named("lat", "latitude"))
                .toList();
        List<Property> lons = properties.values().stream()
                .filter(p -> p.role() == Role.NUMBER && p.named("lon", "lng", "longitude", "long"))
                .toList();
        if (lats.isEmpty() || lats.size() != lons.size()) return;
        List<Mention> numbers = mentions.of(Kind.NUMBER).stream()
                .filter(m ->
                        m.unit() == null || m.unit().equals("lat") || m.unit().equals("lon"))
                .filter(m -> m.value() instanceof Double || "lat".equals(m.unit()) || "lon".equals(m.unit()))
                .toList();
        List<Mention[]> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < numbers.size(); i++) {
            Mention a = numbers.get(i);
            Mention b = numbers.get(i + 1);
            String between = mentions.text().substring(a.end(), Math.max(a.end(), b.start()));
            double la = ((Number) a.value()).doubleValue();
            double lo = ((Number) b.value()).doubleValue();
            if (between.matches("\\s*[,/;]?\\s*(?:and\\s+)?(?:lon(?:gitude)?|lng)?\\s*:?\\s*")
                    && Math.abs(la) <= 90
                    && Math.abs(lo) <= 180) {
                pairs.add(new Mention[] {a, b});
                i++;
            }
        }
        for (int i = 0; i < Math.min(pairs.size(), lats.size()); i++) {
            out.put(lats.get(i).name(), pairs.get(i)[0].value());
            out.put(lons.get(i).name(), pairs.get(i)[1].value());
            used.add(pairs.get(i)[0]);
            used.add(pairs.get(i)[1]);
        }
    }

    private static final Pattern AFTER_COLON = Pattern.compile(":\\s+(\\S.{0,100000})$", Pattern.DOTALL);
    private static final Pattern THAT_CLAUSE = Pattern.compile(
            "\\b(?:remember|note|record|keep in mind|memori[sz]e|save|store)\\s+(?:down\\s+)?(?:that|:)\\s+(.{3,2000})$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /** Text a sentence gives after a colon ("Save to memory: the supplier moved to Bremen") or after "remember that". */
    private static String freeText(Property p, String text) {
        if (p.role() == Role.CODE && !p.named("query", "sql")) return null;
        if (!p.named(
                "content",
                "text",
                "body",
                "message",
                "note",
                "query",
                "question",
                "comment",
                "description",
                "prompt",
                "input",
                "sentence",
                "summary")) return null;
        Matcher m = AFTER_COLON.matcher(text);
        if (m.find()
                && !m.group(1).matches("(?s)\\s*\\d.*")
                && !text.substring(0, m.start()).matches("(?s).*\\d$"))
            return m.group(1).strip();
        if (p.named("text", "content", "note", "body", "message")) {
            // "Remember this for later. The Lyon warehouse closes at 18:00": what "this" is follows
            Matcher these = THIS_FOLLOWS.matcher(text);
            if (these.find()) return these.group(1).strip();
        }
        if (p.named("text", "content", "note")) {
            Matcher that = THAT_CLAUSE.matcher(text);
            if (that.find()) return that.group(1).strip().replaceAll("[.]$", "");
        }
        Matcher literal = LITERAL.matcher(text);
        if (literal.find()) return literal.group(1).replaceAll("[.,;:]+$", "");
        if (p.named("message", "text", "body", "content")) {
            Matcher that = SAYING.matcher(text);
            if (that.find()) return that.group(1).strip().replaceAll("[.]$", "");
        }
        if (p.named("query", "question", "search", "q", "keywords")) {
            // what to look for: what the task asks about, else its first sentence
            Matcher about = ABOUT.matcher(text);
            if (about.find()) return about.group(1).strip();
            String first = text.split("(?<=[.?!])\\s+")[0];
            return first.replaceAll("[.?!]+$", "").strip();
        }
        return null;
    }

    /** "the string procos-prod-2025", "the word Bremen": a value given as a literal. */
    private static final Pattern LITERAL =
            Pattern.compile("\\bthe (?:string|word|phrase|value|text)\\s+(?!of\\b|from\\b|in\\b)([^\\s\"'`]+)");
    /** "Text +33… that the delivery is at the gate", "saying we are late". */
    private static final Pattern SAYING = Pattern.compile(
            "(?:\\+\\d[\\d ]+\\d|\\b(?:him|her|them|the team|everyone|\\w+@[\\w.]+))\\s+(?:that|saying)\\s+(.{3,2000})$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private static final Pattern THIS_FOLLOWS = Pattern.compile(
            "^[^.\\n]*\\b(?:this|these|the following|it)\\b[^.\\n]*[.:]\\s+(\\S.{2,100000})$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern ABOUT = Pattern.compile(
            "\\b(?:about|regarding|concerning|on the subject of)\\s+([^.?!;]{3,200})", Pattern.CASE_INSENSITIVE);

    private static final Map<String, Pattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

    /** A pattern built from a schema's words, compiled once: the same schemas are read for every decision. */
    static Pattern regex(String regex) {
        Pattern p = PATTERNS.get(regex);
        if (p != null) return p;
        if (PATTERNS.size() > 20_000) PATTERNS.clear();
        p = Pattern.compile(regex);
        PATTERNS.put(regex, p);
        return p;
    }

    /** "file_path", "filePath" and "File Path" are the same variable. */
    static String key(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    }
}
