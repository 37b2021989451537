package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Load and soak: 10,000 tasks (2,000 instances of 5) while a tool bundle is dropped into tools/ and removed
 * again and again. Prints throughput, dispatch p50/p99, heap after a full GC and the thread count of the
 * ProcOS JVM before and after; no task may be lost, and heap and threads must come back to within 10 % of
 * where they were after the warm-up, and the engine's database file must not keep every old version of its pages.
 * It prints the classes that grew most, to tell a leak from a cache.
 */
class SoakTest {

    static final int TASKS = 5;
    static final int WARMUP_INSTANCES = Integer.getInteger("procos.soak.warmup", 500);
    static final int INSTANCES = Integer.getInteger("procos.soak.instances", 2000);

    static String process() {
        String[] tasks = new String[TASKS];
        for (int i = 0; i < TASKS; i++)
            tasks[i] = "Write note %d|Put \"note %d of the soak\" into the instance's file".formatted(i + 1, i + 1);
        return ProcessRestTest.process("soak", null, tasks);
    }

    /** Heap in use after a full GC (KiB) and live threads of the JVM. */
    record Footprint(long heapKiB, int threads) {}

    /**
     * The least heap in use after each of three full GCs a second apart: what is retained, without the buffers
     * a poll or a log line happens to hold at the moment of one GC.
     */
    static Footprint footprint(long pid) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            if (round > 0) Thread.sleep(1000);
            run(jcmd.toString(), Long.toString(pid), "GC.run");
            String heap = run(jcmd.toString(), Long.toString(pid), "GC.heap_info");
            Matcher used = Pattern.compile("total \\d+K, used (\\d+)K").matcher(heap);
            assertThat(used.find()).as("jcmd GC.heap_info: " + heap).isTrue();
            least = Math.min(least, Long.parseLong(used.group(1)));
        }
        int threads = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status")))
            if (line.startsWith("Threads:"))
                threads = Integer.parseInt(line.substring(8).strip());
        return new Footprint(least, threads);
    }

    /** Bytes per class after a full GC (jcmd GC.class_histogram). */
    static java.util.Map<String, Long> histogram(long pid) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        java.util.Map<String, Long> bytes = new java.util.HashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)")
                .matcher(run(jcmd.toString(), Long.toString(pid), "GC.class_histogram"));
        while (m.find()) bytes.merge(m.group(2), Long.parseLong(m.group(1)), Long::sum);
        return bytes;
    }

    /** The classes whose bytes grew most between two histograms. */
    static String growth(java.util.Map<String, Long> before, java.util.Map<String, Long> after) {
        return after.entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(8)
                .map(e -> e.getKey() + " +" + e.getValue() / 1024 + " KiB")
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    static List<String> start(Distribution procos, int from, int count) throws Exception {
        ExecutorService starters = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> started = new ArrayList<>();
            for (int i = from; i < from + count; i++) {
                int n = i;
                started.add(starters.submit(() -> {
                    HttpResponse<String> r = procos.post(
                            "/api/processes/soak/start",
                            "application/json",
                            "{\"path\": \"soak/%05d.txt\"}".formatted(n));
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                    return procos.json(r).path("id").asText();
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : started) ids.add(f.get());
            return ids;
        } finally {
            starters.shutdown();
        }
    }

    /** Waits for every instance to end; returns the views. */
    static List<JsonNode> awaitAll(Distribution procos, List<String> ids, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        List<JsonNode> views = new ArrayList<>();
        for (String id : ids) {
            JsonNode view = procos.awaitInstanceEnd(id, Duration.ofNanos(Math.max(1, end - System.nanoTime())));
            views.add(view);
        }
        return views;
    }

    private static Instant time(JsonNode t) {
        if (t.isNumber()) return Instant.ofEpochMilli((long) (t.asDouble() * 1000));
        return t.isTextual() ? Instant.parse(t.asText()) : null;
    }

    @Test
    void tenThousandTasksWhileToolsComeAndGoLoseNothingAndLeaveHeapAndThreadsWhereTheyWere() throws Exception {
        Path template = Path.of(System.getProperty("procos.templateTool"));
        try (Distribution procos = Distribution.fresh("soak")) {
            procos.start();
            assertThat(procos.post("/api/processes?name=soak.bpmn", "application/xml", process())
                            .statusCode())
                    .isEqualTo(201);
            long pid = procos.pid();

            // warm-up (2,500 tasks): caches, pools and the JIT reach their working size (H2's page cache and chunk
            // table, memory's short-term cache, the embedder's recent vectors), so what is measured after is what
            // 10,000 more tasks leave behind, not caches filling
            awaitAll(procos, start(procos, 0, WARMUP_INSTANCES), Duration.ofMinutes(5));
            Thread.sleep(3000);
            Footprint before = footprint(pid);
            java.util.Map<String, Long> classesBefore = histogram(pid);
            Path engineFile = procos.home.resolve("data/engine/procos.mv.db");
            long fileBefore = Files.size(engineFile);

            // the tool bundle comes and goes while the tasks run
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger cycles = new AtomicInteger();
            Thread toolChurn = new Thread(() -> {
                Path jar = procos.home.resolve("tools/text-wordcount.jar");
                Path staged = procos.home.resolve("tools/text-wordcount.jar.part");
                try {
                    while (running.get()) {
                        Files.copy(template, staged, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(staged, jar, StandardCopyOption.ATOMIC_MOVE);
                        waitForTool(procos, 200);
                        Files.delete(jar);
                        waitForTool(procos, 404);
                        cycles.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            long t0 = System.nanoTime();
            if (!Boolean.getBoolean("procos.soak.noChurn")) toolChurn.start();
            List<String> ids = start(procos, WARMUP_INSTANCES, INSTANCES);
            List<JsonNode> views = awaitAll(procos, ids, Duration.ofMinutes(15));
            double seconds = (System.nanoTime() - t0) / 1e9;
            running.set(false);
            toolChurn.join(60_000);

            int completed = 0;
            int tasksDone = 0;
            List<Long> dispatch = new ArrayList<>();
            for (JsonNode v : views) {
                if ("COMPLETED".equals(v.path("state").asText())) completed++;
                for (JsonNode task : v.path("tasks")) {
                    if (!"COMPLETED".equals(task.path("status").asText())) continue;
                    tasksDone++;
                    Instant ready = time(task.path("startedAt"));
                    Instant done = time(task.path("endedAt"));
                    if (ready != null && done != null)
                        dispatch.add(Duration.between(ready, done).toMillis()
                                - task.path("executeMillis").asLong());
                }
            }
            Collections.sort(dispatch);
            Thread.sleep(5000); // idle: what is left running now stays
            Footprint after = footprint(pid);
            System.out.println("grew most: " + growth(classesBefore, histogram(pid)));
            System.out.printf(
                    "soak: %d instances, %d of %d tasks completed in %.1f s: %.1f tasks/s; tool bundle installed and"
                            + " removed %d times%n",
                    completed, tasksDone, INSTANCES * TASKS, seconds, tasksDone / seconds, cycles.get());
            System.out.printf(
                    "dispatch (task ready -> done, minus the tool's own time) p50 %d ms, p99 %d ms over %d tasks%n",
                    percentile(dispatch, 50), percentile(dispatch, 99), dispatch.size());
            System.out.printf(
                    "%-28s %14s %10s%n%-28s %11d KiB %10d%n%-28s %11d KiB %10d%n",
                    "ProcOS JVM",
                    "heap after GC",
                    "threads",
                    "after the warm-up",
                    before.heapKiB(),
                    before.threads(),
                    "after 10,000 tasks, idle",
                    after.heapKiB(),
                    after.threads());
            long fileAfter = Files.size(engineFile);
            System.out.printf(
                    "engine database file: %.1f MB after the warm-up, %.1f MB after %d more tasks%n",
                    fileBefore / 1e6, fileAfter / 1e6, INSTANCES * TASKS);
            assertThat(completed).as("instances completed, none lost").isEqualTo(INSTANCES);
            assertThat(tasksDone).isEqualTo(INSTANCES * TASKS);
            assertThat(cycles.get())
                    .as("the tool bundle came and went while the tasks ran")
                    .isPositive();
            assertThat((double) after.heapKiB()).as("heap after GC, KiB").isLessThanOrEqualTo(before.heapKiB() * 1.10);
            assertThat((double) after.threads()).as("threads").isLessThanOrEqualTo(before.threads() * 1.10);
            // what the tasks leave is history (a few KB a task); the file must not keep every version of every page
            assertThat(fileAfter)
                    .as("engine database file, bytes (H2 frees and reuses its old chunks)")
                    .isLessThan(fileBefore + 500_000_000L); // 76-204 MB seen; WRITE_DELAY=0 left 4.3 GB
        }
    }

    private static void waitForTool(Distribution procos, int status) throws Exception {
        long end = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < end) {
            if (procos.api("/api/tools/text.wordcount").statusCode() == status) return;
            Thread.sleep(100);
        }
        throw new AssertionError("the tool bundle did not become " + status + " within 30 s");
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) return -1;
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
