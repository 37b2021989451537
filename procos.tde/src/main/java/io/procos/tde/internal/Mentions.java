package io.procos.tde.internal;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values a task's words give, each with its kind, where it stands and the words around it: quoted text,
 * code, URLs, e-mail addresses, file paths, folders, image names, dates, coordinates, numbers with their unit
 * (money, percentages, durations, quantities), identifiers and capitalised names. Only what is written is found:
 * a decimal or an abbreviation ("9.8", "D.C.") is not a file name, an apostrophe ("What's") is not a quote.
 */
final class Mentions {

    enum Kind {
        QUOTE,
        CODE,
        URL,
        DATETIME,
        ZONE,
        PHONE,
        CHANNEL,
        ADDRESS,
        EMAIL,
        PATH,
        FOLDER,
        IMAGE,
        DATE,
        TIME,
        NUMBER,
        IDENT,
        NAME
    }

    /** A value in the words. {@code unit} is the unit or currency written with a number, lower case. */
    record Mention(Kind kind, Object value, int start, int end, String unit, String before, String after) {}

    private final String text;
    private final List<Mention> all = new ArrayList<>();
    private final boolean[] taken;

    private Mentions(String text, LocalDate today) {
        this.text = text;
        this.taken = new boolean[text.length() + 1];
        scan(today);
        all.sort(Comparator.comparingInt(Mention::start));
    }

    /**
     * How much of a task's words are read for values: a task says what to do in far less, and some patterns take
     * time that grows faster than the text (a 70,000-character word would hold a decision for minutes).
     */
    static final int MAX_TEXT = 8_000;

    static Mentions of(String text, LocalDate today) {
        String t = text == null ? "" : text;
        return new Mentions(t.length() > MAX_TEXT ? t.substring(0, MAX_TEXT) : t, today);
    }

    List<Mention> all() {
        return all;
    }

    List<Mention> of(Kind kind) {
        return all.stream().filter(m -> m.kind() == kind).toList();
    }

    String text() {
        return text;
    }

    // ---------------------------------------------------------------------------------------------------------
    // patterns

    private static final Pattern BACKTICKS = Pattern.compile("`([^`]{1,20000})`");
    private static final Pattern DOUBLE_QUOTED = Pattern.compile("[\"“”„]([^\"“”„]{1,20000})[\"“”]");
    /** A single-quoted text opens after a space or bracket and closes before one: not an apostrophe. */
    private static final Pattern SINGLE_QUOTED =
            Pattern.compile("(?<![\\p{L}\\p{N}])['‘]([^'‘’\\s][^'‘’]{0,2000}?)['’](?![\\p{L}\\p{N}])");

    private static final Pattern URL = Pattern.compile("\\b((?:https?|ftp)://[^\\s\"'<>`]+[^\\s\"'<>`.,;:!?)])");
    private static final Pattern EMAIL = Pattern.compile("\\b([\\w.+-]{1,64}@[\\w-]{1,63}(?:\\.[\\w-]{1,63}){1,6})\\b");
    private static final Pattern IMAGE = Pattern.compile(
            "(?<![\\w/.:-])((?=[a-z0-9._/-]*[a-z])[a-z0-9][a-z0-9._-]{0,127}(?:/[a-z0-9._-]{1,127}){0,8}:[\\w](?:[\\w.-]{0,127}\\w)?)(?![\\w/:])");
    /** A path has a folder or an extension with a letter; the stem is more than a capital or digits alone. */
    private static final Pattern PATH = Pattern.compile(
            "(?<![\\w/.@:-])((?:\\.{0,2}/)?(?:[\\w.-]{1,128}/){1,24}[\\w.-]{0,128}[\\w-]|[\\w-]{0,128}[A-Za-z_][\\w-]{0,128}(?:\\.[\\w-]{1,64}){0,6}\\.(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{1,8})(?![\\w/@-])(?!\\.[A-Za-z0-9])");

    private static final Pattern FOLDER = Pattern.compile(
            "\\b(?:folder|directory|dir|subfolder)\\s+(?:called\\s+|named\\s+)?([\\w./-]*[\\w/-])",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DATETIME = Pattern.compile(
            "\\b(\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(?::\\d{2})?(?:Z|[+-]\\d{2}:?\\d{2})?)(?![\\w:])");
    /** An IANA time zone ("Europe/Berlin", "America/New_York") or UTC. */
    private static final Pattern ZONE = Pattern.compile(
            "(?<![\\w/])((?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?|UTC|GMT)(?![\\w/])");
    /** A phone number in international form. */
    private static final Pattern PHONE = Pattern.compile("(?<![\\w+])(\\+[1-9][\\d ()/-]{6,18}\\d)(?!\\d)");

    private static final Pattern CHANNEL = Pattern.compile("(?<![\\w#&])(#[A-Za-z][\\w-]*)");
    /** A street and house number, then a town: "Großer Burstah 31, 20457 Hamburg", "Rue de Rivoli 99, Paris". */
    private static final Pattern ADDRESS = Pattern.compile(
            "(?<![\\p{L}])((?:[A-Z][\\p{L}.'-]*\\s+(?:(?:de|du|des|la|le|van|von|der|di)\\s+)?){1,4}\\d{1,4}[a-z]?,\\s*(?:\\d{4,5}\\s+)?[A-Z][\\p{L}-]+(?:\\s+[A-Z][\\p{L}-]+)?)");
    /** "10 Downing Street, London". */
    private static final Pattern ADDRESS_NUMBER_FIRST = Pattern.compile(
            "(?<![\\w.,])(\\d{1,4}[a-z]?\\s+(?:[A-Z][\\p{L}.'-]*\\s+(?:(?:de|du|la|le|of|the)\\s+)?){0,3}[A-Z][\\p{L}.'-]*,\\s*[A-Z][\\p{L}-]+(?:\\s+[A-Z][\\p{L}-]+)?)");

    private static final Pattern FOLDER_SLASH = Pattern.compile("(?<![\\w/.@:-])([\\w-][\\w.-]*/)(?![\\w/])");
    private static final Pattern FOLDER_BEFORE = Pattern.compile(
            "\\b(?:in|of|from|under)\\s+(?:the\\s+)?([\\w.-]+/?)\\s+(?:folder|directory)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern ISO_DATE = Pattern.compile("\\b(\\d{4})-(\\d{1,2})-(\\d{1,2})\\b");
    private static final String MONTHS =
            "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
    private static final Pattern DAY_MONTH_YEAR = Pattern.compile(
            "\\b(\\d{1,2})(?:st|nd|rd|th)?(?:\\s+of)?\\s+" + MONTHS + ",?\\s+(\\d{4})\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern MONTH_DAY_YEAR = Pattern.compile(
            "\\b" + MONTHS + "\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern DOTTED_DATE = Pattern.compile("\\b(\\d{1,2})[./](\\d{1,2})[./](\\d{4})\\b");
    private static final Pattern RELATIVE_DATE = Pattern.compile(
            "\\b(today|tomorrow|yesterday|the day after tomorrow|(?:next|this|coming)\\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday))\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern TIME = Pattern.compile(
            "\\b(\\d{1,2}):(\\d{2})(?:\\s*([ap])\\.?m\\.?)?\\b|\\b(\\d{1,2})\\s*([ap])\\.?m\\.?(?![\\w])",
            Pattern.CASE_INSENSITIVE);
    /** An identifier: letters and digits mixed, usually with a hyphen ("SKU-4471", "PO-2291", "A113"). */
    private static final Pattern IDENT = Pattern.compile(
            "(?<![\\w.-])((?=[\\w-]*\\d)(?=[A-Za-z]|[\\w-]*[A-Z])[A-Za-z0-9]{1,32}(?:[-_][A-Za-z0-9]{1,32}){1,8}|[A-Z]{1,5}\\d{2,12}[A-Z0-9]{0,12}|[A-Z]{1,3}\\d{1,6}(?:\\.\\d{1,6}){1,4}|#\\d{1,12})(?![\\w-])");

    private static final String NUM =
            "(?<![\\w.])([-−]?(?:\\d{1,3}(?:,\\d{3}){1,6}|\\d{1,18})(?:\\.\\d{1,12})?|[-−]?\\.\\d{1,12})(?![\\d])";
    private static final Pattern NUMBER = Pattern.compile("([$€£¥])?\\s?" + NUM
            + "(?:\\s?(k|m|bn|million|billion|thousand|hundred)\\b)?"
            + "(?:\\s?(%|°\\s?[CFcf]?|[A-Za-z]+(?:/[A-Za-z]+)?|[$€£¥]))?");
    private static final Pattern NAME = Pattern.compile(
            "\\b([A-Z][\\p{L}&'’-]*(?:\\s+(?:(?:de|da|van|von|der|del|la|le|of|and|&)\\s+)?[A-Z][\\p{L}&'’-]*){0,8})");

    private static final Map<String, Number> WORD_NUMBERS = Map.ofEntries(
            Map.entry("zero", 0),
            Map.entry("one", 1),
            Map.entry("two", 2),
            Map.entry("three", 3),
            Map.entry("four", 4),
            Map.entry("five", 5),
            Map.entry("six", 6),
            Map.entry("seven", 7),
            Map.entry("eight", 8),
            Map.entry("nine", 9),
            Map.entry("ten", 10),
            Map.entry("eleven", 11),
            Map.entry("twelve", 12),
            Map.entry("fifteen", 15),
            Map.entry("twenty", 20),
            Map.entry("thirty", 30),
            Map.entry("forty", 40),
            Map.entry("fifty", 50),
            Map.entry("hundred", 100),
            Map.entry("dozen", 12),
            Map.entry("a dozen", 12),
            Map.entry("a hundred", 100),
            Map.entry("half", (Number) 0.5));
    private static final Pattern ARTICLE_DURATION = Pattern.compile(
            "\\b(half an?|half a|a quarter of an?|an?)\\s+(hour|day|week|month|year|minute)\\b(?!s)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern WORD_NUMBER = Pattern.compile(
            "\\b(a dozen|a hundred|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|dozen)\\s+([A-Za-z]+)",
            Pattern.CASE_INSENSITIVE);

    /** Words that open a sentence or follow a value often and are no name. */
    private static final java.util.Set<String> NOT_NAMES = java.util.Set.of(
            "i",
            "a",
            "an",
            "the",
            "please",
            "then",
            "and",
            "use",
            "run",
            "get",
            "put",
            "make",
            "find",
            "show",
            "list",
            "save",
            "write",
            "read",
            "send",
            "create",
            "compute",
            "calculate",
            "convert",
            "check",
            "look",
            "tell",
            "give",
            "add",
            "set",
            "what",
            "which",
            "how",
            "when",
            "where",
            "who",
            "is",
            "are",
            "can",
            "could",
            "would",
            "should",
            "do",
            "does",
            "we",
            "our",
            "my",
            "it",
            "this",
            "that",
            "these",
            "those",
            "for",
            "from",
            "to",
            "in",
            "on",
            "at",
            "of",
            "by",
            "with",
            "if",
            "else",
            "otherwise",
            "after",
            "before",
            "once",
            "also",
            "now",
            "next",
            "let",
            "store",
            "keep",
            "open",
            "load",
            "fetch",
            "search",
            "remember",
            "note",
            "book",
            "reserve",
            "order",
            "buy",
            "translate",
            "email",
            "mail",
            "call",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            "matlab",
            "octave",
            "docker",
            "json",
            "csv",
            "pdf",
            "sql",
            "http",
            "url",
            "api",
            "id",
            "ok",
            "yes",
            "no",
            "new",
            "all",
            "every",
            "each",
            "some",
            "any",
            "estimate",
            "forecast",
            "weather",
            "today",
            "tomorrow",
            "yesterday",
            "report",
            "summary",
            "archive",
            "count",
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
            "celsius",
            "fahrenheit",
            "kelvin");

    // ---------------------------------------------------------------------------------------------------------

    private void scan(LocalDate today) {
        find(BACKTICKS, Kind.CODE, 1);
        find(DOUBLE_QUOTED, Kind.QUOTE, 1);
        find(SINGLE_QUOTED, Kind.QUOTE, 1);
        find(URL, Kind.URL, 1);
        find(EMAIL, Kind.EMAIL, 1);
        find(DATETIME, Kind.DATETIME, 1);
        find(ZONE, Kind.ZONE, 1);
        find(IMAGE, Kind.IMAGE, 1);
        folders();
        find(PATH, Kind.PATH, 1);
        find(FOLDER_SLASH, Kind.FOLDER, 1);
        dates(today);
        find(PHONE, Kind.PHONE, 1);
        find(CHANNEL, Kind.CHANNEL, 1);
        addresses();
        find(ADDRESS_NUMBER_FIRST, Kind.ADDRESS, 1);
        times();
        find(IDENT, Kind.IDENT, 1);
        coordinatesAndNumbers();
        names();
    }

    private void find(Pattern p, Kind kind, int group) {
        for (Matcher m = p.matcher(text); m.find(); ) {
            if (kind == Kind.PATH && abbreviation(m.group(group))) continue;
            if (free(m.start(group), m.end(group))) add(kind, m.group(group), m.start(group), m.end(group), null, m);
        }
    }

    /** "D.C", "e.g", "U.S": a letter, a dot and a letter is an abbreviation, not a file. */
    private static boolean abbreviation(String path) {
        return !path.contains("/") && path.matches("[A-Za-z]\\.[A-Za-z](?:\\.[A-Za-z]){0,4}");
    }

    private boolean free(int start, int end) {
        for (int i = start; i < end; i++) if (taken[i]) return false;
        return true;
    }

    private void add(Kind kind, Object value, int start, int end, String unit, Matcher whole) {
        int s = whole == null ? start : Math.min(start, whole.start());
        int e = whole == null ? end : Math.max(end, whole.end());
        // a quote or code span is taken with its marks
        if (kind == Kind.QUOTE || kind == Kind.CODE) {
            s = Math.max(0, start - 1);
            e = Math.min(text.length(), end + 1);
        }
        for (int i = s; i < e; i++) taken[i] = true;
        all.add(new Mention(kind, value, start, end, unit, window(s, true), window(e, false)));
    }

    /** Up to five words before (or three after) a position, lower case, within the sentence. */
    private String window(int at, boolean before) {
        if (before) {
            int from = Math.max(0, at - 60);
            String w = text.substring(from, at);
            int stop = Math.max(w.lastIndexOf(". "), Math.max(w.lastIndexOf("; "), w.lastIndexOf('\n')));
            if (stop >= 0) w = w.substring(stop + 1);
            String[] words = w.toLowerCase(Locale.ROOT).trim().split("[^\\p{L}\\p{N}%$€£]+");
            int n = words.length;
            return String.join(" ", java.util.Arrays.copyOfRange(words, Math.max(0, n - 5), n))
                    .trim();
        }
        int to = Math.min(text.length(), at + 40);
        String w = text.substring(at, to);
        int stop = w.indexOf(". ");
        if (stop >= 0) w = w.substring(0, stop);
        String[] words = w.toLowerCase(Locale.ROOT).trim().split("[^\\p{L}\\p{N}%$€£]+");
        return String.join(" ", java.util.Arrays.copyOfRange(words, 0, Math.min(3, words.length)))
                .trim();
    }

    private void addresses() {
        for (Matcher m = ADDRESS.matcher(text); m.find(); ) {
            int start = m.start(1);
            String a = m.group(1);
            // "Geocode Großer Burstah 31, …": the sentence's first word is what to do, not the street
            if (atSentenceStart(start) && !looksProper(a.split("\\s+")[0])) {
                int space = a.indexOf(' ');
                start += space + 1;
                a = a.substring(space + 1);
                if (!Character.isUpperCase(a.charAt(0))) continue;
            }
            if (free(start, m.end(1))) add(Kind.ADDRESS, a, start, m.end(1), null, null);
        }
    }

    private void folders() {
        for (Pattern p : List.of(FOLDER, FOLDER_BEFORE)) {
            for (Matcher m = p.matcher(text); m.find(); ) {
                String f = m.group(1);
                String lower = f.toLowerCase(Locale.ROOT);
                if (lower.equals("the") || lower.equals("a") || lower.equals("of") || lower.equals("and")) continue;
                int end = m.end(1);
                if (f.endsWith(".") && f.length() > 1) {
                    f = f.substring(0, f.length() - 1);
                    end--;
                }
                if (free(m.start(1), end)) add(Kind.FOLDER, f, m.start(1), end, null, null);
            }
        }
    }

    private void dates(LocalDate today) {
        for (Matcher m = ISO_DATE.matcher(text); m.find(); ) date(m, m.group(1), m.group(2), m.group(3));
        for (Matcher m = DAY_MONTH_YEAR.matcher(text); m.find(); )
            date(m, m.group(3), String.valueOf(month(m.group(2))), m.group(1));
        for (Matcher m = MONTH_DAY_YEAR.matcher(text); m.find(); )
            date(m, m.group(3), String.valueOf(month(m.group(1))), m.group(2));
        for (Matcher m = DOTTED_DATE.matcher(text); m.find(); ) date(m, m.group(3), m.group(2), m.group(1));
        for (Matcher m = RELATIVE_DATE.matcher(text); m.find(); ) {
            if (!free(m.start(), m.end())) continue;
            String w = m.group(1).toLowerCase(Locale.ROOT);
            LocalDate d;
            if (w.equals("today")) d = today;
            else if (w.equals("tomorrow")) d = today.plusDays(1);
            else if (w.equals("yesterday")) d = today.minusDays(1);
            else if (w.equals("the day after tomorrow")) d = today.plusDays(2);
            else {
                DayOfWeek day = DayOfWeek.valueOf(m.group(2).toUpperCase(Locale.ROOT));
                int ahead = (day.getValue() - today.getDayOfWeek().getValue() + 7) % 7;
                d = today.plusDays(ahead == 0 ? 7 : ahead);
            }
            add(Kind.DATE, d.toString(), m.start(), m.end(), null, null);
        }
    }

    private void date(Matcher m, String year, String month, String day) {
        if (!free(m.start(), m.end())) return;
        try {
            LocalDate d = LocalDate.of(Integer.parseInt(year), Integer.parseInt(month), Integer.parseInt(day));
            add(Kind.DATE, d.toString(), m.start(), m.end(), null, null);
        } catch (RuntimeException e) {
            // not a date after all
        }
    }

    private static int month(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace(".", "");
        for (Month m : Month.values()) {
            if (m.getDisplayName(TextStyle.FULL, Locale.ENGLISH)
                    .toLowerCase(Locale.ROOT)
                    .startsWith(n.substring(0, Math.min(3, n.length())))) return m.getValue();
        }
        return 0;
    }

    private void times() {
        for (Matcher m = TIME.matcher(text); m.find(); ) {
            if (!free(m.start(), m.end())) continue;
            int h;
            int min;
            String ampm;
            if (m.group(1) != null) {
                h = Integer.parseInt(m.group(1));
                min = Integer.parseInt(m.group(2));
                ampm = m.group(3);
            } else {
                h = Integer.parseInt(m.group(4));
                min = 0;
                ampm = m.group(5);
            }
            if (ampm != null) {
                boolean pm = ampm.equalsIgnoreCase("p");
                if (h == 12) h = pm ? 12 : 0;
                else if (pm) h += 12;
            }
            if (h > 23 || min > 59) continue;
            add(Kind.TIME, String.format(Locale.ROOT, "%02d:%02d", h, min), m.start(), m.end(), null, null);
        }
    }

    /** "1200x800", "200 × 80": two numbers, width then height. */
    private static final Pattern DIMENSIONS = Pattern.compile("(?<![\\w.])(\\d+)\\s?[x×]\\s?(\\d+)(?![\\w.])");

    private void coordinatesAndNumbers() {
        for (Matcher m = DIMENSIONS.matcher(text); m.find(); ) {
            if (!free(m.start(), m.end())) continue;
            add(Kind.NUMBER, Long.parseLong(m.group(1)), m.start(1), m.end(1), null, null);
            add(Kind.NUMBER, Long.parseLong(m.group(2)), m.start(2), m.end(2), null, null);
            for (int i = m.start(); i < m.end(); i++) taken[i] = true;
        }
        for (Matcher m = NUMBER.matcher(text); m.find(); ) {
            int s = m.start(2);
            int e = m.end(2);
            if (!free(s, e)) continue;
            // a number inside an identifier or a word ("Q3", "v2", "3D") is not a quantity
            if (s > 0 && Character.isLetter(text.charAt(s - 1))) continue;
            if (e < text.length() && Character.isLetter(text.charAt(e)) && m.group(3) == null && m.group(4) == null)
                continue;
            if (e < text.length() - 1 && text.charAt(e) == '-' && Character.isLetterOrDigit(text.charAt(e + 1)))
                continue;
            double v;
            try {
                v = Double.parseDouble(m.group(2).replace(",", "").replace('−', '-'));
            } catch (NumberFormatException ex) {
                continue;
            }
            String scale = m.group(3);
            if (scale != null) {
                switch (scale.toLowerCase(Locale.ROOT)) {
                    case "k", "thousand" -> v *= 1_000;
                    case "m", "million" -> v *= 1_000_000;
                    case "bn", "billion" -> v *= 1_000_000_000;
                    case "hundred" -> v *= 100;
                    default -> {}
                }
            }
            String symbol = m.group(1);
            String unit = m.group(4);
            int end = e;
            if (scale != null) end = m.end(3);
            if (unit != null) {
                String u = unit.toLowerCase(Locale.ROOT).replaceAll("\\s", "");
                boolean attached = m.start(4) == m.end(scale != null ? 3 : 2);
                boolean word = !u.equals("in")
                        && !u.equals("to")
                        && !u.equals("at")
                        && !u.equals("on")
                        && (u.length() > 1 || attached || u.equals("%"));
                if (word && (Units.known(u) || u.equals("%") || u.startsWith("°") || Units.currency(u) != null)) {
                    unit = u;
                    end = m.end(4);
                } else {
                    unit = null;
                }
            }
            if (symbol != null) unit = symbol;
            // a compass letter makes a coordinate: "48.85 N" / "2.35 W"
            Matcher compass = Pattern.compile("^\\s?°?\\s?([NSEWnsew])\\b").matcher(text.substring(end));
            if (unit == null && compass.find()) {
                char c = Character.toUpperCase(compass.group(1).charAt(0));
                if (c == 'S' || c == 'W') v = -v;
                unit = c == 'N' || c == 'S' ? "lat" : "lon";
                end += compass.end();
            }
            Object value =
                    v == Math.rint(v) && Math.abs(v) < 1e15 && !m.group(2).contains(".") ? (Object) (long) v : v;
            int start = symbol != null ? m.start(1) : s;
            add(Kind.NUMBER, value, start, end, unit, null);
        }
        // "half an hour", "an hour", "a week": a duration with no digits
        for (Matcher m = ARTICLE_DURATION.matcher(text); m.find(); ) {
            if (!free(m.start(), m.end())) continue;
            boolean half =
                    m.group(1) != null && m.group(1).toLowerCase(Locale.ROOT).startsWith("half");
            boolean quarter =
                    m.group(1) != null && m.group(1).toLowerCase(Locale.ROOT).startsWith("a quarter");
            String unit = m.group(2).toLowerCase(Locale.ROOT);
            if (half || quarter) {
                // in the next smaller unit, where it comes out whole
                double minutes = unit.equals("hour") ? (half ? 30 : 15) : -1;
                if (minutes > 0) add(Kind.NUMBER, (long) minutes, m.start(), m.end(), "minutes", null);
                else if (unit.equals("day") && half) add(Kind.NUMBER, 12L, m.start(), m.end(), "hours", null);
                continue;
            }
            // "for an hour" is a duration; "4 percent a year", "twice a day" are rates
            String before =
                    text.substring(Math.max(0, m.start() - 12), m.start()).toLowerCase(Locale.ROOT);
            if (!before.matches("(?s).*\\b(?:for|in|within|after|takes?|lasting|about|over|than|of)\\s+$")) continue;
            add(Kind.NUMBER, 1L, m.start(), m.end(), unit, null);
        }
        for (Matcher m = WORD_NUMBER.matcher(text); m.find(); ) {
            if (!free(m.start(1), m.end(1))) continue;
            String unitWord = m.group(2).toLowerCase(Locale.ROOT);
            Number n = WORD_NUMBERS.get(m.group(1).toLowerCase(Locale.ROOT));
            if (n == null) continue;
            // "one of the files" is no quantity; "two boxes", "three days" are
            if (unitWord.equals("of") || unitWord.equals("more") || unitWord.equals("by") || unitWord.equals("another"))
                continue;
            add(
                    Kind.NUMBER,
                    n instanceof Integer i ? (Object) (long) i : n,
                    m.start(1),
                    m.end(1),
                    Units.known(unitWord) ? unitWord : null,
                    null);
        }
    }

    private void names() {
        for (Matcher m = NAME.matcher(text); m.find(); ) {
            int s = m.start(1);
            String name = m.group(1).replaceAll("[.’'-]+$", "");
            int e = s + name.length();
            if (name.isEmpty() || !free(s, e)) continue;
            // the first word of a sentence is capitalised anyway: it is a name only if it is not a common word
            String[] words = name.split("\\s+");
            int skip = 0;
            while (skip < words.length
                    && NOT_NAMES.contains(words[skip].toLowerCase(Locale.ROOT).replace("'s", ""))) skip++;
            if (skip == words.length) continue;
            boolean sentenceStart = atSentenceStart(s);
            if (sentenceStart && skip == 0 && !looksProper(words[0])) {
                // a task starts with what to do ("Invoice Acme GmbH", "Bill Brightline"): the first word is the verb
                if (words.length == 1) continue;
                skip = 1;
            }
            if (skip > 0) {
                int offset = name.indexOf(words[skip]);
                s += offset;
                name = name.substring(offset);
            }
            name = name.replaceAll("(?:'s|’s)$", "");
            add(Kind.NAME, name, s, s + name.length(), null, null);
        }
    }

    private boolean atSentenceStart(int at) {
        int i = at - 1;
        while (i >= 0 && Character.isWhitespace(text.charAt(i))) i--;
        return i < 0 || ".!?:;\n(".indexOf(text.charAt(i)) >= 0;
    }

    /** A sentence's first word that is still a name: all capitals ("IBM"), or mixed ("McKinsey"). */
    private static boolean looksProper(String w) {
        return w.length() > 1
                && (w.equals(w.toUpperCase(Locale.ROOT)) || w.chars().skip(1).anyMatch(Character::isUpperCase));
    }
}
