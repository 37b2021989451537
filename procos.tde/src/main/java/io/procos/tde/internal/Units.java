package io.procos.tde.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What common words for units, currencies, languages and countries stand for, so that "miles" matches an enum
 * value {@code mi}, "euros" {@code EUR}, "French" {@code fr} and "Germany" {@code DE}. A word maps to the names
 * a schema may use for the same thing; which of them a tool uses its schema says.
 */
final class Units {

    private Units() {}

    /** Each line: the names a schema may use, then the words people write. */
    private static final List<List<String>> SYNONYMS = List.of(
            List.of("km", "kilometer", "kilometre", "kilometers", "kilometres", "kms"),
            List.of("mi", "mile", "miles", "mile_us"),
            List.of("nm", "nmi", "nautical mile", "nautical miles", "nautical_miles"),
            List.of("m", "meter", "metre", "meters", "metres"),
            List.of("cm", "centimeter", "centimetre", "centimeters", "centimetres"),
            List.of("mm", "millimeter", "millimetre", "millimeters", "millimetres"),
            List.of("ft", "foot", "feet"),
            List.of("in", "inch", "inches"),
            List.of("yd", "yard", "yards"),
            List.of("kg", "kilogram", "kilograms", "kilo", "kilos", "kgs"),
            List.of("g", "gram", "grams"),
            List.of("lb", "lbs", "pound", "pounds"),
            List.of("oz", "ounce", "ounces"),
            List.of("t", "tonne", "tonnes", "ton", "tons", "metric ton", "metric tons"),
            List.of("l", "liter", "litre", "liters", "litres"),
            List.of("ml", "milliliter", "millilitre", "milliliters", "millilitres"),
            List.of("gal", "gallon", "gallons"),
            List.of("c", "celsius", "°c", "degrees celsius", "centigrade"),
            List.of("f", "fahrenheit", "°f", "degrees fahrenheit"),
            List.of("k", "kelvin"),
            List.of("s", "sec", "second", "seconds", "secs"),
            List.of("min", "minute", "minutes", "mins"),
            List.of("h", "hr", "hour", "hours", "hrs"),
            List.of("d", "day", "days"),
            List.of("week", "weeks", "wk", "wks"),
            List.of("month", "months", "mo", "mos"),
            List.of("year", "years", "yr", "yrs"),
            List.of("kwh", "kilowatt hour", "kilowatt hours"),
            List.of("kw", "kilowatt", "kilowatts"),
            List.of("mph", "miles per hour"),
            List.of("kmh", "km/h", "kph", "kilometers per hour", "kilometres per hour"),
            List.of("usd", "$", "dollar", "dollars", "us dollars", "bucks"),
            List.of("eur", "€", "euro", "euros"),
            List.of("gbp", "£", "pound sterling", "sterling", "british pounds"),
            List.of("jpy", "¥", "yen", "japanese yen"),
            List.of("chf", "swiss franc", "swiss francs", "francs"),
            List.of("cny", "yuan", "renminbi", "rmb"),
            List.of("cad", "canadian dollar", "canadian dollars"),
            List.of("aud", "australian dollar", "australian dollars"),
            List.of("inr", "rupee", "rupees", "indian rupees"),
            List.of("sek", "swedish krona", "swedish kronor"),
            List.of("en", "english", "eng"),
            List.of("fr", "french", "français", "fra", "fre"),
            List.of("de", "german", "deutsch", "deu", "ger"),
            List.of("es", "spanish", "español", "castilian", "spa"),
            List.of("it", "italian", "ita"),
            List.of("pt", "portuguese", "por"),
            List.of("nl", "dutch", "nld", "dut"),
            List.of("eng", "english"),
            List.of("deu", "german", "deutsch"),
            List.of("fra", "french", "français"),
            List.of("spa", "spanish", "español"),
            List.of("ita", "italian"),
            List.of("max", "maximum", "highest", "largest", "biggest", "peak", "top"),
            List.of("min", "minimum", "lowest", "smallest", "least"),
            List.of("mean", "average", "avg"),
            List.of("avg", "average", "mean"),
            List.of("sum", "total", "add up", "summed"),
            List.of("count", "how many", "number of"),
            List.of("median", "middle value"),
            List.of("pl", "polish"),
            List.of("ja", "japanese"),
            List.of("zh", "chinese", "mandarin"),
            List.of("ko", "korean"),
            List.of("ru", "russian"),
            List.of("ar", "arabic"),
            List.of("sv", "swedish"),
            List.of("tr", "turkish"),
            List.of(
                    "express",
                    "fast",
                    "urgent",
                    "overnight",
                    "expedited",
                    "rush",
                    "quickest",
                    "fastest",
                    "next day",
                    "next-day"),
            List.of("standard", "normal", "regular", "default", "usual", "ground"),
            List.of("economy", "cheap", "cheapest", "slow", "budget", "saver"),
            List.of("high", "urgent", "important", "critical", "top"),
            List.of("low", "minor", "whenever", "not urgent"),
            List.of("asc", "ascending", "smallest first", "lowest first", "oldest first"),
            List.of("desc", "descending", "largest first", "highest first", "newest first"),
            List.of("csv", "comma-separated", "comma separated", "spreadsheet"),
            List.of("json"),
            List.of("pdf"),
            List.of("png", "image"),
            List.of("metric", "si"),
            List.of("imperial", "us customary"));

    private static final Map<String, String> COUNTRIES = new HashMap<>();

    static {
        String[][] c = {
            {"DE", "germany", "german"},
            {"FR", "france", "french"},
            {"US", "united states", "usa", "the us", "us", "america", "u.s.", "u.s.a."},
            {"GB", "united kingdom", "uk", "britain", "great britain", "england", "u.k."},
            {"IT", "italy"},
            {"ES", "spain"},
            {"NL", "netherlands", "the netherlands", "holland"},
            {"BE", "belgium"},
            {"AT", "austria"},
            {"CH", "switzerland"},
            {"PL", "poland"},
            {"SE", "sweden"},
            {"NO", "norway"},
            {"DK", "denmark"},
            {"FI", "finland"},
            {"IE", "ireland"},
            {"PT", "portugal"},
            {"GR", "greece"},
            {"CZ", "czech republic", "czechia"},
            {"HU", "hungary"},
            {"RO", "romania"},
            {"JP", "japan"},
            {"CN", "china"},
            {"IN", "india"},
            {"KR", "south korea", "korea"},
            {"CA", "canada"},
            {"MX", "mexico"},
            {"BR", "brazil"},
            {"AR", "argentina"},
            {"AU", "australia"},
            {"NZ", "new zealand"},
            {"ZA", "south africa"},
            {"TR", "turkey", "türkiye"},
            {"SG", "singapore"},
            {"AE", "united arab emirates", "uae", "emirates"},
            {"SA", "saudi arabia"},
            {"EG", "egypt"},
            {"NG", "nigeria"},
            {"KE", "kenya"},
            {"RU", "russia"},
            {"UA", "ukraine"},
            {"IL", "israel"},
            {"TH", "thailand"},
            {"VN", "vietnam"},
            {"ID", "indonesia"},
            {"MY", "malaysia"},
            {"PH", "philippines"},
            {"CL", "chile"},
            {"CO", "colombia"},
            {"PE", "peru"},
            {"LU", "luxembourg"},
            {"HK", "hong kong"},
            {"TW", "taiwan"}
        };
        for (String[] row : c) for (int i = 1; i < row.length; i++) COUNTRIES.put(row[i], row[0]);
    }

    private static final Map<String, List<String>> BY_WORD = new HashMap<>();

    static {
        for (List<String> line : SYNONYMS) {
            for (String w : line)
                BY_WORD.computeIfAbsent(w, k -> new java.util.ArrayList<>()).add(line.get(0));
        }
    }

    private static final Set<String> CURRENCY_CODES = Set.of(
            "usd", "eur", "gbp", "jpy", "chf", "cny", "cad", "aud", "inr", "sek", "nok", "dkk", "pln", "czk", "huf",
            "sgd", "hkd", "nzd", "mxn", "brl", "zar", "try", "krw", "aed");

    /** Whether a word written after a number is a unit or currency (then it belongs to the number). */
    static boolean known(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        return BY_WORD.containsKey(w)
                || CURRENCY_CODES.contains(w)
                || w.equals("percent")
                || w.equals("pct")
                || w.equals("per cent")
                || w.equals("bp")
                || w.equals("bps")
                || w.contains("/")
                || Set.of(
                                "items",
                                "units",
                                "pieces",
                                "pcs",
                                "boxes",
                                "pallets",
                                "parcels",
                                "people",
                                "persons",
                                "nights",
                                "rooms",
                                "seats",
                                "copies",
                                "times",
                                "samples",
                                "points",
                                "px",
                                "pixels",
                                "dpi",
                                "gb",
                                "mb",
                                "kb",
                                "tb",
                                "degrees",
                                "deg",
                                "knots",
                                "kn",
                                "cores",
                                "workers",
                                "rows",
                                "lines",
                                "words",
                                "characters",
                                "results",
                                "decimals",
                                "digits",
                                "places")
                        .contains(w);
    }

    /** The ISO currency code a word or symbol stands for, or null. */
    static String currency(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        if (CURRENCY_CODES.contains(w)) return w.toUpperCase(Locale.ROOT);
        for (String canonical : BY_WORD.getOrDefault(w, List.of()))
            if (CURRENCY_CODES.contains(canonical)) return canonical.toUpperCase(Locale.ROOT);
        return null;
    }

    /** The canonical names a word may stand for ("miles" → mi), the word itself first. */
    static List<String> meanings(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        List<String> out = new java.util.ArrayList<>();
        out.add(w);
        for (String canonical : BY_WORD.getOrDefault(w, List.of())) {
            if (!out.contains(canonical)) out.add(canonical);
            // and every other way to say it: "kilometres" → km, kilometer, …
            for (List<String> line : SYNONYMS)
                if (line.get(0).equals(canonical)) for (String s : line) if (!out.contains(s)) out.add(s);
        }
        return out;
    }

    /** The words people write for a schema's name for something ("mi" → miles, mile…), the name itself first. */
    static List<String> wordsFor(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        List<String> out = new java.util.ArrayList<>();
        out.add(v);
        for (List<String> line : SYNONYMS) {
            if (line.contains(v)) for (String s : line) if (!out.contains(s)) out.add(s);
        }
        return out;
    }

    /** The ISO 3166 alpha-2 code of a country's name, or null. */
    static String country(String name) {
        return COUNTRIES.get(name.toLowerCase(Locale.ROOT).strip());
    }

    /** A duration written in one unit (seconds … years) in another, when it comes out whole; else null. */
    static Double convertDuration(double value, String fromUnit, String toUnit) {
        double from = seconds(fromUnit);
        double to = seconds(toUnit);
        if (from <= 0 || to <= 0) return null;
        double out = value * from / to;
        return Math.abs(out - Math.rint(out)) < 1e-9 ? Math.rint(out) : null;
    }

    /** The canonical duration unit a word names ("minutes" → min), or null. */
    static String duration(String word) {
        for (String c : meanings(word))
            if (Set.of("s", "min", "h", "d", "week", "month", "year").contains(c)) return c;
        return null;
    }

    private static double seconds(String unit) {
        String c = duration(unit);
        if (c == null) return -1;
        return switch (c) {
            case "s" -> 1;
            case "min" -> 60;
            case "h" -> 3600;
            case "d" -> 86400;
            case "week" -> 7 * 86400;
            case "month" -> 30.4375 * 86400;
            case "year" -> 365.25 * 86400;
            default -> -1;
        };
    }

    private static final Map<String, String> ZONES = new HashMap<>();

    static {
        String[][] z = {
            {"Europe/London", "london", "uk", "britain", "england"},
            {"Europe/Paris", "paris", "france"},
            {"Europe/Berlin", "berlin", "germany", "munich", "hamburg", "frankfurt"},
            {"Europe/Madrid", "madrid", "spain"},
            {"Europe/Rome", "rome", "milan", "italy"},
            {"Europe/Amsterdam", "amsterdam", "rotterdam", "netherlands"},
            {"Europe/Zurich", "zurich", "geneva", "switzerland"},
            {"Europe/Vienna", "vienna", "austria"},
            {"Europe/Stockholm", "stockholm", "sweden"},
            {"Europe/Oslo", "oslo", "norway"},
            {"Europe/Warsaw", "warsaw", "poland"},
            {"Europe/Lisbon", "lisbon", "portugal"},
            {"Europe/Dublin", "dublin", "ireland"},
            {"Europe/Istanbul", "istanbul", "turkey"},
            {"Europe/Moscow", "moscow"},
            {"Europe/Athens", "athens", "greece"},
            {"America/New_York", "new york", "nyc", "boston", "washington", "miami", "toronto"},
            {"America/Chicago", "chicago", "houston", "dallas"},
            {"America/Denver", "denver"},
            {"America/Los_Angeles", "los angeles", "san francisco", "seattle", "la"},
            {"America/Sao_Paulo", "sao paulo", "são paulo"},
            {"America/Mexico_City", "mexico city"},
            {"Asia/Tokyo", "tokyo", "osaka", "japan"},
            {"Asia/Shanghai", "shanghai", "beijing", "china"},
            {"Asia/Hong_Kong", "hong kong"},
            {"Asia/Singapore", "singapore"},
            {"Asia/Kolkata", "mumbai", "delhi", "bangalore", "india"},
            {"Asia/Dubai", "dubai", "abu dhabi"},
            {"Asia/Seoul", "seoul", "korea"},
            {"Australia/Sydney", "sydney", "melbourne"},
            {"Pacific/Auckland", "auckland", "new zealand"},
            {"Africa/Johannesburg", "johannesburg", "cape town"}
        };
        for (String[] row : z) for (int i = 1; i < row.length; i++) ZONES.put(row[i], row[0]);
    }

    /** The IANA time zone of a well-known city or country, or null. */
    static String zone(String place) {
        return ZONES.get(place.toLowerCase(java.util.Locale.ROOT).strip());
    }
}
