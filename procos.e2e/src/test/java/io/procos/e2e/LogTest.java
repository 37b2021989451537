package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The log as an operator finds it: one file, rotated at its size, levels changed in conf/ while ProcOS runs. */
class LogTest {

    @Test
    void theLogIsAFileThatRotatesAtItsSizeAndTakesALevelChangeWithoutARestart() throws Exception {
        try (Distribution procos = Distribution.fresh("log")) {
            // given the shipped configuration with a small size limit
            Path config = procos.home.resolve("conf/logback.xml");
            String shipped = Files.readString(config);
            assertThat(shipped).contains("<property name=\"maxFileSize\" value=\"10MB\"/>");
            Files.writeString(
                    config,
                    shipped.replace(
                            "<property name=\"maxFileSize\" value=\"10MB\"/>",
                            "<property name=\"maxFileSize\" value=\"8KB\"/>"));
            procos.start();
            procos.awaitHealthy();

            // then the log is data/log/procos.log, with the bundles' and the framework's entries, written once
            Path log = procos.home.resolve("data/log/procos.log");
            assertThat(allLogs(procos)).contains("ProcOS engine ready");
            assertThat(Files.readString(procos.home.resolve("data/log/console.log")))
                    .as("in the background nothing is written twice")
                    .doesNotContain("ProcOS engine ready");

            HttpResponse<String> deployed = procos.post(
                    "/api/processes?name=note.bpmn",
                    "application/xml",
                    ProcessRestTest.process("log-note", null, "Write the note|Put \"x\" into notes/a.txt"));
            assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
            String quiet = run(procos);
            assertThat(allLogs(procos)).doesNotContain("notify " + quiet);

            // when the orchestrator's level is set to DEBUG in conf/, ProcOS running
            Files.writeString(
                    config,
                    Files.readString(config)
                            .replace(
                                    "  <root level=\"INFO\">",
                                    "  <logger name=\"io.procos.pdo\" level=\"DEBUG\"/>\n  <root level=\"INFO\">"));
            Thread.sleep(7_000); // scanned every 5 s

            // then its debug entries are written from then on
            String loud = run(procos);
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!allLogs(procos).contains("notify " + loud) && System.nanoTime() < end) Thread.sleep(250);
            assertThat(allLogs(procos)).contains("notify " + loud);

            // and past its size the file rotates into procos.1.log ..., at most five of them
            for (int i = 0; i < 10; i++) run(procos);
            Thread.sleep(1_500);
            run(procos);
            List<Path> rotated = rotated(procos);
            assertThat(rotated).isNotEmpty().hasSizeLessThanOrEqualTo(5);
            assertThat(rotated).extracting(p -> p.getFileName().toString()).contains("procos.1.log");
            assertThat(Files.size(log)).isLessThan(64 * 1024);
        }
    }

    private static String run(Distribution procos) throws Exception {
        HttpResponse<String> started = procos.post("/api/processes/log-note/start", "application/json", "{}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
        String id = procos.json(started).path("id").asText();
        assertThat(procos.awaitInstanceEnd(id, Duration.ofSeconds(60))
                        .path("state")
                        .asText())
                .isEqualTo("COMPLETED");
        return id;
    }

    private static List<Path> rotated(Distribution procos) throws Exception {
        try (Stream<Path> files = Files.list(procos.home.resolve("data/log"))) {
            return files.filter(p -> p.getFileName().toString().matches("procos\\.\\d+\\.log"))
                    .sorted()
                    .toList();
        }
    }

    private static String allLogs(Distribution procos) throws Exception {
        List<Path> files = new ArrayList<>(rotated(procos));
        files.add(procos.home.resolve("data/log/procos.log"));
        StringBuilder all = new StringBuilder();
        for (Path f : files) if (Files.exists(f)) all.append(Files.readString(f));
        return all.toString();
    }
}
