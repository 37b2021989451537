package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The configuration files the README shows, copied as they are written: every line is a comment or
 * {@code key=value} (FileInstall keeps a {@code # comment} after a value as part of it), and ProcOS starts with each
 * of them. Values that name other machines ({@code db.example}, {@code graph.example}), placeholders ({@code ...})
 * and fixed ports are left out of the start: this machine has none of those.
 */
class ReadmeConfigurationTest {

    private static final Pattern NAMED_BEFORE = Pattern.compile("`conf/([A-Za-z0-9._-]+\\.cfg)`:\\s*$");
    private static final Pattern HEADER = Pattern.compile("^#.*?\\bconf/([A-Za-z0-9._-]+)");
    private static final Pattern ENTRY = Pattern.compile("^([A-Za-z][A-Za-z0-9_.]*)=(.*)$");

    record Snippet(String file, int line, List<String> lines) {}

    static List<Snippet> snippets() throws Exception {
        List<String> readme = Files.readAllLines(Path.of("../README.md"));
        List<Snippet> found = new ArrayList<>();
        for (int i = 0; i < readme.size(); i++) {
            if (!readme.get(i).equals("```")) continue;
            int end = i + 1;
            while (end < readme.size() && !readme.get(end).startsWith("```")) end++;
            List<String> block = readme.subList(i + 1, end);
            String above = i > 1 && readme.get(i - 1).isBlank() ? readme.get(i - 2) : i > 0 ? readme.get(i - 1) : "";
            Matcher before = NAMED_BEFORE.matcher(above);
            if (before.find()) {
                found.add(new Snippet(before.group(1), i + 2, List.copyOf(block)));
            } else {
                // a block of several files, each under a "# conf/<file>" line; another heading after a blank
                // line ("# start them") ends the file before it
                String file = null;
                int at = 0;
                List<String> lines = new ArrayList<>();
                boolean blank = true;
                for (int j = 0; j <= block.size(); j++) {
                    String line = j < block.size() ? block.get(j) : null;
                    Matcher header = line == null ? null : HEADER.matcher(line);
                    boolean isHeader = header != null && header.find();
                    boolean otherHeading = line != null && !isHeader && line.startsWith("# ") && blank;
                    if (line == null || isHeader || otherHeading) {
                        if (file != null && file.endsWith(".cfg")) found.add(new Snippet(file, at, List.copyOf(lines)));
                        lines.clear();
                        file = isHeader ? header.group(1) : null;
                        at = i + 2 + j;
                    } else if (file != null) {
                        lines.add(line);
                    }
                    blank = line == null || line.isBlank();
                }
            }
            i = end;
        }
        return found;
    }

    @Test
    void everyConfigurationFileTheReadmeShowsIsValidAsWrittenAndProcOSStartsWithIt() throws Exception {
        List<Snippet> snippets = snippets();
        assertThat(snippets)
                .extracting(Snippet::file)
                .as("the README's configuration files")
                .contains("io.procos.pdo.engine.cfg", "io.procos.memory.cfg");

        // every line a comment, blank, or key=value without a comment after the value
        Map<String, Map<String, String>> startWith = new LinkedHashMap<>();
        for (Snippet s : snippets) {
            for (String line : s.lines()) {
                if (line.isBlank() || line.startsWith("#")) continue;
                Matcher entry = ENTRY.matcher(line);
                assertThat(entry.matches())
                        .as("README line %d (%s): '%s' is not key=value", s.line(), s.file(), line)
                        .isTrue();
                assertThat(entry.group(2))
                        .as("README line %d (%s): a comment after the value becomes part of it", s.line(), s.file())
                        .doesNotContain(" #")
                        .doesNotContain("\t#");
                String value = entry.group(2);
                boolean elsewhere = value.contains(".example")
                        || value.contains("...")
                        || value.startsWith("bolt://")
                        || (entry.group(1).endsWith("Port") && !value.equals("0"));
                if (!elsewhere)
                    startWith
                            .computeIfAbsent(s.file(), f -> new LinkedHashMap<>())
                            .put(entry.group(1), value);
            }
        }

        // ProcOS starts with them and reports healthy
        try (Distribution procos = Distribution.fresh("readme-config")) {
            for (Map.Entry<String, Map<String, String>> file : startWith.entrySet()) {
                StringBuilder text = new StringBuilder("# from the README\n");
                file.getValue()
                        .forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
                Files.writeString(procos.home.resolve("conf").resolve(file.getKey()), text);
            }
            procos.start();
            procos.awaitHealthy();
            // the engine, memory (its graph server starts in the background), the planner and the tools all up
            JsonNode health = procos.awaitHealth(
                    h -> {
                        int up = 0;
                        for (JsonNode check : h.path("checks"))
                            if (check.path("name").asText().matches("engine|memory|planner|tools")
                                    && check.path("status").asText().equals("UP")) up++;
                        return up == 4;
                    },
                    Duration.ofSeconds(120));
            assertThat(health.path("unsatisfiedComponents"))
                    .as(health.toString())
                    .isEmpty();
        }
    }
}
