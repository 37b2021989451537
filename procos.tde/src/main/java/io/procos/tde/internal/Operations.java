package io.procos.tde.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What a text asks to be done, in groups of words that name the same operation (read, write, list, delete, send,
 * buy, forecast, …). Two texts close in meaning may ask for opposite things ("Delete the file" and a tool that
 * reads files; "What was the weather" and a forecast): when a task names operations and a tool's description
 * names others but none of the task's, the tool is not for the task, however close their words are.
 *
 * <p>The groups are ordinary English, not fitted to any tool: a tool whose description uses none of them is
 * never judged by them.
 */
final class Operations {

    private Operations() {}

    private static final Map<String, Pattern> GROUPS = new LinkedHashMap<>();

    private static void group(String name, String... forms) {
        StringBuilder alternatives = new StringBuilder();
        for (String f : forms) {
            if (alternatives.length() > 0) alternatives.append('|');
            alternatives.append(f);
        }
        GROUPS.put(name, Pattern.compile("\\b(?:" + alternatives + ")", Pattern.CASE_INSENSITIVE));
    }

    static {
        group(
                "read",
                "read(?!me)",
                "open(?:s|ing)?\\b",
                "load",
                "view",
                "display",
                "contents? of",
                "what .{0,40} says?\\b",
                "look(?:s|ing)? at",
                "see what");
        group(
                "write",
                "writ(?:e|es|ing|ten)",
                "sav(?:e|es|ing)\\b(?! as a decision)",
                "stor(?:e|es|ing)\\b",
                "put\\b",
                "puts\\b",
                "append",
                "export",
                "keep a copy",
                "creat(?:e|es|ing) (?:a |the )?(?:new )?file");
        group(
                "list",
                "list(?:s|ing)?\\b",
                "which files",
                "what files",
                "files (?:in|under|of)",
                "enumerat",
                "inventory of",
                "folder listing");
        group("delete", "delet", "remov", "eras", "purg", "wipe", "clean(?:s|ing)? up");
        group("rename", "renam", "mov(?:e|es|ing) (?:the |a )?file");
        group("copy", "cop(?:y|ies|ying)\\b", "duplicat");
        group("merge", "merg", "combin", "concatenat", "join(?:s|ing)? (?:the )?(?:pdf|file|document)");
        group("pack", "zip", "compress", "pack(?:s|ing)?\\b", "archiv(?:e|es|ing)\\b");
        group("rotate", "rotat", "flip");
        group("resize", "resiz", "scal(?:e|es|ing)\\b", "shrink", "thumbnail", "smaller", "larger");
        group("translate", "translat");
        group("summarise", "summari[sz]", "condens", "gist");
        group("count", "count(?:s|ing)?\\b", "how many words", "word count", "how long is");
        group("search", "search", "look(?:s|ing)? up", "recall", "find(?:s|ing)? (?:out )?what", "what (?:did|do) we");
        group("remember", "remember", "memori[sz]", "keep in mind", "note (?:that|down)", "record that");
        group(
                "send",
                "send",
                "sends",
                "e-?mail",
                "\\bmail\\b",
                "sms",
                "text (?:the|him|her|them|\\+)",
                "notif",
                "messag",
                "tell\\b",
                "inform",
                "post(?:s|ing)? (?:\"|'|“|a message|in #|to #|to the channel)");
        group("upload", "\\bpost\\b(?! (?:\"|'|“))", "upload", "submit", "webhook", "\\bput request");
        group("fetch", "fetch", "download", "retriev", "http get", "\\bget request", "web page", "url");
        group("update", "updat", "chang(?:e|es|ing)\\b", "modif", "edit", "correct(?:s|ing)? (?:the|his|her)");
        group("insert", "insert", "add(?:s|ing)? (?:a |the )?(?:new )?(?:row|record|entry)");
        group("buy", "\\bbuy", "purchas", "\\border(?:s|ing)?\\b(?! of)", "reorder", "procur", "raise (?:a )?po\\b");
        group("pay", "\\bpay(?!ment)", "transfer money", "wire ");
        group("book", "\\bbook(?:s|ing)?\\b", "reserv", "schedul");
        group("cancel", "cancel");
        group(
                "future",
                "forecast",
                "\\bwill\\b",
                "tomorrow",
                "\\bnext\\b",
                "upcoming",
                "predict",
                "coming (?:days|week)");
        group(
                "past",
                "histor",
                "\\bwas\\b",
                "\\bwere\\b",
                "yesterday",
                "last (?:week|month|year|monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
                "past",
                "observed",
                "measured on");
        group("mean", "\\bmean\\b", "averag");
        group("median", "median");
        group("percentile", "percentile", "quartile");
        group("transcribe", "transcri", "audio", "recording", "speech", "\\.mp3\\b", "\\.wav\\b");
        group("scan", "scann", "\\bocr\\b", "handwrit", "extract(?:s|ing)? (?:the )?text", "\\.(?:png|jpe?g|tiff?)\\b");
        group("rotate-deg", "degrees? (?:clockwise|counter)");
        group("hash", "hash", "checksum", "fingerprint", "digest", "sha-?\\d");
        group("qr", "qr\\b", "qr code", "barcode");
        group("geocode", "geocod", "coordinates of", "latitude and longitude of", "where exactly is", "lat/lon");
        group("distance", "distanc", "how far");
        group("air", "air quality", "pollution", "\\baqi\\b");
        group("stock-market", "shares? of", "stock price", "ticker");
        group(
                "call",
                "\\bphone\\b (?:him|her|them|mrs?\\.?|the)",
                "\\bcall\\b (?:him|her|them|mrs?\\.?|the)",
                "ring up");
        group("meet", "interview", "meet (?:with|the)", "pick up", "drive");
    }

    /** The operations a text names. */
    static Set<String> of(String text) {
        Set<String> out = new TreeSet<>();
        String t = (text.length() > Mentions.MAX_TEXT ? text.substring(0, Mentions.MAX_TEXT) : text)
                .toLowerCase(Locale.ROOT);
        for (Map.Entry<String, Pattern> g : GROUPS.entrySet())
            if (g.getValue().matcher(t).find()) out.add(g.getKey());
        return out;
    }

    /** What a tool's description offers, and what it says it does not do ("No INSERT, UPDATE or DELETE"). */
    record Offer(Set<String> offers, Set<String> refuses) {}

    private static final Pattern NEGATIVE = Pattern.compile(
            "\\b(?:no|not|cannot|can't|never|doesn't|don't|without|instead|neither|nor)\\b", Pattern.CASE_INSENSITIVE);

    /** A description's operations, clause by clause: a clause that says no names what the tool refuses. */
    static Offer ofDescription(String description) {
        Set<String> offers = new TreeSet<>();
        Set<String> refuses = new TreeSet<>();
        for (String clause : description.split("(?<=[.;:!?])\\s+|,\\s+but\\s+|;\\s*")) {
            Set<String> ops = of(clause);
            if (NEGATIVE.matcher(clause).find()) refuses.addAll(ops);
            else offers.addAll(ops);
        }
        if (description.toLowerCase(Locale.ROOT).contains("read-only"))
            refuses.addAll(Set.of("write", "delete", "update", "insert", "rename"));
        refuses.removeAll(offers);
        return new Offer(offers, refuses);
    }

    /**
     * The task's operations the tool refuses, or, when its description names operations and none of the task's,
     * all of the task's: empty when the tool may do what the task asks.
     */
    static List<String> conflict(Set<String> task, Offer tool) {
        if (task.isEmpty()) return List.of();
        List<String> refused = task.stream().filter(tool.refuses()::contains).toList();
        if (!refused.isEmpty()) return refused;
        if (tool.offers().isEmpty()) return List.of();
        for (String t : task) if (tool.offers().contains(t)) return List.of();
        return new ArrayList<>(task);
    }
}
