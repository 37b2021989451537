package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
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
 * Nothing lost, nothing done twice: ProcOS killed with {@code kill -9} while half of 250 appending tasks are
 * done, then started again; and the graph server killed the same way while they run.
 */
class CrashRecoveryTest {

    static final int INSTANCES = 50;
    static final int TASKS = 5;
    private static final Pattern STEP = Pattern.compile("\\[step (\\d)]");

    /** {@code tasks} tasks, each appending its own mark to the file the instance's variable {@code path} names. */
    static String appendingProcess(String key, int tasks) {
        String[] words = new String[tasks];
        for (int i = 0; i < tasks; i++) {
            words[i] = "Append step %d|Append \"[step %d]\" to the instance's log".formatted(i + 1, i + 1);
        }
        return ProcessRestTest.process(key, null, words);
    }

    static String appendingProcess(String key) {
        return appendingProcess(key, TASKS);
    }

    /** The marks of the instances' files ({@code crash/<name>}) that are there other than exactly once. */
    static Map<String, Integer> notExactlyOnce(Path workspace, List<String> files, int tasks) throws Exception {
        Map<String, Integer> wrong = new LinkedHashMap<>();
        for (String name : files) {
            Path f = workspace.resolve("crash").resolve(name);
            String text = Files.exists(f) ? Files.readString(f) : "";
            for (int step = 1; step <= tasks; step++) {
                int count = text.split(Pattern.quote("[step " + step + "]"), -1).length - 1;
                if (count != 1) wrong.put(name + " step " + step, count);
            }
        }
        return wrong;
    }

    static List<String> startAll(Distribution procos, String key) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            HttpResponse<String> started = procos.post(
                    "/api/processes/" + key + "/start",
                    "application/json",
                    "{\"path\": \"crash/%02d.txt\", \"append\": true}".formatted(i));
            assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
            ids.add(procos.json(started).path("id").asText());
        }
        return ids;
    }

    /** Marks appended so far, over all instances' files. */
    static int marks(Path workspace) throws Exception {
        Path folder = workspace.resolve("crash");
        if (!Files.isDirectory(folder)) return 0;
        int n = 0;
        try (var files = Files.list(folder)) {
            for (Path f : files.toList()) {
                Matcher m = STEP.matcher(Files.readString(f));
                while (m.find()) n++;
            }
        }
        return n;
    }

    @Test
    void killedWhileToolsRunProcOSLosesNoInstanceAndAppendsEveryLineOnce() throws Exception {
        try (Distribution procos = Distribution.fresh("crash-procos")) {
            procos.start();
            assertThat(procos.post("/api/processes?name=appends.bpmn", "application/xml", appendingProcess("appends"))
                            .statusCode())
                    .isEqualTo(201);
            Path workspace = procos.home.resolve("data/workspace");
            List<String> ids = startAll(procos, "appends");

            // kill -9 of the ProcOS JVM with about half of the tasks done
            long end = System.nanoTime() + 120_000_000_000L;
            while (marks(workspace) < INSTANCES * TASKS / 2 && System.nanoTime() < end) Thread.sleep(20);
            int before = marks(workspace);
            ProcessHandle jvm = ProcessHandle.of(procos.pid()).orElseThrow();
            jvm.destroyForcibly();
            jvm.onExit().get();
            System.out.printf("ProcOS killed (kill -9) with %d of %d marks appended%n", before, INSTANCES * TASKS);
            assertThat(before).as("killed mid-run").isLessThan(INSTANCES * TASKS);

            // started again: every acknowledged instance is there and completes, every mark is in its file once
            long restart = System.nanoTime();
            procos.start();
            int reruns = 0;
            for (String id : ids) {
                JsonNode instance = procos.awaitInstanceEnd(id, Duration.ofSeconds(180));
                assertThat(instance.path("state").asText())
                        .as(instance.toString())
                        .isEqualTo("COMPLETED");
                for (JsonNode task : instance.path("tasks")) {
                    assertThat(task.path("status").asText()).isEqualTo("COMPLETED");
                    reruns += task.path("toolReruns").asInt();
                }
            }
            double seconds = (System.nanoTime() - restart) / 1e9;
            List<String> files = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) files.add("%02d.txt".formatted(i));
            Map<String, Integer> wrong = notExactlyOnce(workspace, files, TASKS);
            System.out.printf(
                    "after the restart: %d/%d instances completed in %.1f s; %d tool calls were made again (reported"
                            + " in their runs); marks not exactly once: %d%n",
                    ids.size(), INSTANCES, seconds, reruns, wrong.size());
            assertThat(wrong.entrySet().stream().limit(10).toList())
                    .as("marks appended other than once (the first 10 of " + wrong.size() + ")")
                    .isEmpty();
        }
    }

    @Test
    void aGraphServerKilledWhileTasksRunLosesNoMemoryWrite() throws Exception {
        try (Distribution procos = Distribution.fresh("crash-graph")) {
            procos.start();
            assertThat(procos.post("/api/processes?name=graph.bpmn", "application/xml", appendingProcess("graphed"))
                            .statusCode())
                    .isEqualTo(201);
            Path workspace = procos.home.resolve("data/workspace");
            List<String> ids = startAll(procos, "graphed");
            long end = System.nanoTime() + 120_000_000_000L;
            while (marks(workspace) < INSTANCES * TASKS / 2 && System.nanoTime() < end) Thread.sleep(20);
            long graphPid = Long.parseLong(Files.readString(procos.home.resolve("data/neo4j/server.pid"))
                    .strip());
            ProcessHandle.of(graphPid).ifPresent(ProcessHandle::destroyForcibly);
            System.out.printf("graph server killed (kill -9) with %d marks appended%n", marks(workspace));
            for (String id : ids) {
                JsonNode instance = procos.awaitInstanceEnd(id, Duration.ofSeconds(180));
                assertThat(instance.path("state").asText())
                        .as(instance.toString())
                        .isEqualTo("COMPLETED");
            }
            // every run of every task reaches the graph once the server is back
            int missing = 0;
            int runs = 0;
            long deadline = System.nanoTime() + 240_000_000_000L;
            for (String id : ids) {
                int ran = 0;
                while (System.nanoTime() < deadline) {
                    HttpResponse<String> r = procos.api("/api/memory/graph?instance=" + id);
                    if (r.statusCode() == 200) {
                        ran = 0;
                        for (JsonNode e : procos.json(r).path("edges"))
                            if ("RAN".equals(e.path("type").asText())) ran++;
                        if (ran >= TASKS) break;
                    }
                    Thread.sleep(250);
                }
                runs += ran;
                if (ran != TASKS) missing += TASKS - ran;
            }
            System.out.printf(
                    "graph after the restart of its server: %d task runs recorded of %d, %d lost%n",
                    runs, INSTANCES * TASKS, missing);
            assertThat(runs).as("task runs in the graph, each once").isEqualTo(INSTANCES * TASKS);
            assertThat(procos.health().path("checks").toString()).contains("restarted 1 times");
        }
    }
}
