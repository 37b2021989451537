package io.procos.pdo.internal;

import io.procos.api.tde.Decision;
import io.procos.api.tde.Execution;
import io.procos.api.tde.Sampling;
import io.procos.api.tde.TaskExecutor;
import io.procos.api.tde.TaskFailedException;
import io.procos.api.tde.TaskRequest;
import io.procos.api.tde.TaskRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.builder.AbstractFlowNodeBuilder;

/**
 * N domain instances of M tasks with a no-op tool through PDO → TDE, side by side with the raw engine
 * running the same M tasks on the same database, in the same run: as plain Java service tasks, synchronously (one
 * transaction per instance) and with an asynchronous continuation per task (each task its own job, as a
 * long-running tool must be run), and as external tasks done by an in-process worker through
 * {@code ExternalTaskService} (how Camunda users connect workers: the fair baseline). Prints tasks per second and the dispatch
 * latency (task ready → tool start) p50/p99, CPU milliseconds and SQL statements per task.
 *
 * <p>The TDE's Decide/Execute here are a fixed no-op decision and tool, so the figures are the
 * orchestration's cost, not a planner's.
 */
public final class PdoBenchmark {

    private static final Map<String, Long> READY = new ConcurrentHashMap<>();
    private static final ConcurrentLinkedQueue<Long> LATENCIES = new ConcurrentLinkedQueue<>();
    /** Instances whose end event was reached: waiting on this costs no database work, unlike polling. */
    private static final Set<String> ENDED = ConcurrentHashMap.newKeySet();

    private static StatementCount statements = StatementCount.NONE;

    public static void main(String[] args) throws Exception {
        int instances = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        boolean pdoOnly = Boolean.getBoolean("bench.pdoOnly");
        double warmupSeconds = Double.parseDouble(System.getProperty("bench.warmupSeconds", "30"));
        Path dir = Files.createTempDirectory("procos-bench");
        EngineSettings base = EngineSettings.forDatabase(
                System.getProperty("bench.db", EngineSettings.h2File(dir.resolve("engine"))), "sa", "");
        EngineSettings settings = base.toBuilder()
                .history(
                        System.getProperty("bench.history", base.historyLevel()),
                        Boolean.getBoolean("bench.stepHistory"))
                .jobExecutorThreads(Integer.getInteger("bench.threads", base.jobExecutorThreads()))
                .cleanupWindow("") // no history cleanup window: nothing but the benchmark runs
                .build();
        TaskExecutor noop = new NoopExecutor();
        System.out.printf(
                "ProcOS orchestration benchmark: %d instances x %d tasks, %d rounds, H2 file database, history %s, %d job threads%n",
                instances, tasks, rounds, settings.historyLevel(), settings.jobExecutorThreads());
        try (EmbeddedEngine orchestrator = new EmbeddedEngine(
                settings, "bench", () -> noop, benchDelegates(), Set.of("bench", "rawSync", "rawAsync", "rawWorker"))) {
            statements = StatementCount.of(orchestrator);
            deploy(orchestrator, tasks);
            // warm-up at full size, the sides taking turns until the warm-up time is over: class loading,
            // statement caches and the JIT, which needs thousands of tasks before the PDO's longer code path
            // is compiled (its throughput still rises for the first 15-20 s on two cores) and whose compiler
            // threads otherwise eat the CPU of whichever side runs first
            long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            int warmups = 0;
            do {
                runPdo(orchestrator, instances);
                if (!pdoOnly) runRaw(orchestrator, "rawSync", instances, tasks);
                if (!pdoOnly) runRaw(orchestrator, "rawAsync", instances, tasks);
                if (!pdoOnly) runWorker(orchestrator, instances);
                warmups++;
            } while (System.nanoTime() < warmupEnd);
            System.out.printf("warm-up: %d turns of each side in %.0f s%n", warmups, warmupSeconds);

            // the sides take turns, round after round, so a noisy moment of the machine hits all of them
            int total = instances * tasks;
            List<Result> pdo = new ArrayList<>();
            List<Result> sync = new ArrayList<>();
            List<Result> async = new ArrayList<>();
            List<Result> worker = new ArrayList<>();
            System.out.printf(
                    "%-44s %12s %16s %16s %14s %10s%n",
                    "", "tasks/s", "dispatch p50", "dispatch p99", "CPU ms/task", "SQL/task");
            for (int r = 1; r <= rounds; r++) {
                pdo.add(runPdo(orchestrator, instances));
                print("round " + r + ": PDO -> TDE", total, pdo.get(r - 1));
                if (pdoOnly) continue;
                sync.add(runRaw(orchestrator, "rawSync", instances, tasks));
                print("round " + r + ": raw engine, sync", total, sync.get(r - 1));
                async.add(runRaw(orchestrator, "rawAsync", instances, tasks));
                print("round " + r + ": raw engine, async", total, async.get(r - 1));
                worker.add(runWorker(orchestrator, instances));
                print("round " + r + ": raw engine, external-task worker", total, worker.get(r - 1));
            }
            System.out.println("median of the rounds (dispatch latencies of all rounds together):");
            Result p = median(pdo);
            print("PDO -> TDE (external tasks, no-op tool)", total, p);
            if (!pdoOnly) {
                Result s = median(sync);
                Result a = median(async);
                print("raw engine, Java service tasks, sync", total, s);
                print("raw engine, Java service tasks, async", total, a);
                Result w = median(worker);
                print("raw engine, external tasks, in-process worker", total, w);
                System.out.printf(
                        "PDO throughput: %.0f%% of raw sync, %.0f%% of raw async, %.0f%% of the external-task worker "
                                + "(%d worker threads fetching up to %d tasks each)%n",
                        100.0 * s.seconds / p.seconds,
                        100.0 * a.seconds / p.seconds,
                        100.0 * w.seconds / p.seconds,
                        WORKER_THREADS,
                        WORKER_FETCH);
            }
            // the H2 file after every side's warm-up and rounds: what a durable commit per transaction leaves on disk
            String url = settings.jdbcUrl();
            if (url.startsWith("jdbc:h2:file:")) {
                Path file = Path.of(url.substring("jdbc:h2:file:".length()).split(";", 2)[0] + ".mv.db");
                System.out.printf("engine database file: %.1f MB (%s)%n", Files.size(file) / 1e6, url);
            }
            // let the orchestrators end with their domain instances before the engine closes
            var runtime = orchestrator.engine().getRuntimeService();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (runtime.createProcessInstanceQuery().count() > 0 && System.nanoTime() < deadline) Thread.sleep(50);
        }
    }

    /** The median round's time and CPU; the latencies of all rounds. */
    private static Result median(List<Result> results) {
        double[] seconds =
                results.stream().mapToDouble(Result::seconds).sorted().toArray();
        double[] cpu = results.stream().mapToDouble(Result::cpuSeconds).sorted().toArray();
        long[] sql = results.stream().mapToLong(Result::statements).sorted().toArray();
        long[] latencies = results.stream()
                .flatMapToLong(r -> Arrays.stream(r.latenciesNanos()))
                .toArray();
        return new Result(seconds[seconds.length / 2], latencies, cpu[cpu.length / 2], sql[sql.length / 2]);
    }

    /** One round of one side: wall time, dispatch latencies, CPU of the whole process, SQL statements run. */
    record Result(double seconds, long[] latenciesNanos, double cpuSeconds, long statements) {}

    private static double cpu() {
        return ((com.sun.management.OperatingSystemMXBean)
                                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
    }

    private static void print(String label, int total, Result r) {
        System.out.printf(
                "%-44s %12.1f %13.2f ms %13.2f ms %14.2f %10s%n",
                label,
                total / r.seconds,
                percentile(r.latenciesNanos, 50) / 1e6,
                percentile(r.latenciesNanos, 99) / 1e6,
                1000 * r.cpuSeconds / total,
                r.statements < 0 ? "-" : String.format("%.1f", (double) r.statements / total));
    }

    /** The no-op tool as a task executor: decides on it, runs it (marking when it started), publishes nothing. */
    static final class NoopExecutor implements TaskExecutor {
        public Decision decide(TaskRequest request) {
            return new Decision("noop", Map.of(), "deterministic", 1, "benchmark", "bench");
        }

        public Execution execute(TaskRequest request, Decision decision) {
            toolStarted(request.instanceId() + "/" + request.activityId());
            return new Execution(decision, Map.of(), "", null, 0);
        }

        public Sampling sample(TaskRequest request, Decision decision, List<Object> samples)
                throws TaskFailedException {
            throw new TaskFailedException("the benchmark does not sample", false);
        }

        public void finished(TaskRun run) {}
    }

    /** The benchmark's own delegates, for its processes only (exempt from the deployment policy). */
    private static Map<String, Object> benchDelegates() {
        Map<String, Object> d = new HashMap<>();
        // marks the next task ready: its external task, or the raw task's job, is about to exist
        d.put("benchReadyNext", (ExecutionListener) PdoBenchmark::readyNext);
        d.put("benchEnded", (ExecutionListener) ex -> ENDED.add(ex.getProcessInstanceId()));
        d.put("benchNoop", (JavaDelegate)
                ex -> toolStarted(ex.getProcessInstanceId() + "/" + ex.getCurrentActivityId()));
        return d;
    }

    private static void readyNext(DelegateExecution ex) {
        int next = Integer.parseInt(ex.getCurrentActivityId().substring(1)) + 1;
        READY.put(ex.getProcessInstanceId() + "/t" + next, System.nanoTime());
    }

    private static void toolStarted(String key) {
        Long ready = READY.remove(key);
        if (ready != null) LATENCIES.add(System.nanoTime() - ready);
    }

    private static void deploy(EmbeddedEngine o, int tasks) throws Exception {
        o.processService().deploy("bench.bpmn", chain("bench", tasks, "external", false));
        o.processService().deploy("rawSync.bpmn", chain("rawSync", tasks, "java", false));
        o.processService().deploy("rawAsync.bpmn", chain("rawAsync", tasks, "java", true));
        o.processService().deploy("rawWorker.bpmn", chain("rawWorker", tasks, "worker", false));
    }

    /**
     * M tasks in a row. A task is ready when the step before it has ended: an external task (PDO) is
     * created then, and a raw task's asynchronous job too, so both latencies include waiting for a thread.
     */
    private static String chain(String key, int tasks, String kind, boolean async) {
        AbstractFlowNodeBuilder<?, ?> flow = Bpmn.createExecutableProcess(key)
                .startEvent("t0")
                .camundaExecutionListenerDelegateExpression("end", "${benchReadyNext}");
        for (int i = 1; i <= tasks; i++) {
            var task = flow.serviceTask("t" + i).name("Task " + i);
            flow = "external".equals(kind) || "worker".equals(kind)
                    ? task.camundaType("external")
                            .camundaTopic("external".equals(kind) ? "procos.task" : WORKER_TOPIC)
                            .camundaExecutionListenerDelegateExpression("end", "${benchReadyNext}")
                    : task.camundaDelegateExpression("${benchNoop}")
                            .camundaAsyncBefore(async)
                            .camundaExclusive(true)
                            .camundaExecutionListenerDelegateExpression("end", "${benchReadyNext}");
        }
        return Bpmn.convertToString(flow.endEvent()
                .camundaExecutionListenerDelegateExpression("end", "${benchEnded}")
                .done());
    }

    private static Result runPdo(EmbeddedEngine o, int instances) throws InterruptedException {
        LATENCIES.clear();
        READY.clear();
        long sql0 = statements.total();
        double cpu0 = cpu();
        long start = System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < instances; i++) ids.add(o.processService().start("bench", Map.of()));
        awaitEnd(o, ids);
        return new Result(
                (System.nanoTime() - start) / 1e9,
                LATENCIES.stream().mapToLong(Long::longValue).toArray(),
                cpu() - cpu0,
                statements.since(sql0));
    }

    private static Result runRaw(EmbeddedEngine o, String key, int instances, int tasks) throws InterruptedException {
        LATENCIES.clear();
        READY.clear();
        var runtime = o.engine().getRuntimeService();
        long sql0 = statements.total();
        double cpu0 = cpu();
        long start = System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < instances; i++)
            ids.add(runtime.startProcessInstanceByKey(key).getId());
        awaitEnd(o, ids);
        return new Result(
                (System.nanoTime() - start) / 1e9,
                LATENCIES.stream().mapToLong(Long::longValue).toArray(),
                cpu() - cpu0,
                statements.since(sql0));
    }

    /** The fair baseline's topic: the engine's own external tasks, which only the benchmark's worker takes. */
    static final String WORKER_TOPIC = "bench.worker";

    static final int WORKER_THREADS = Integer.getInteger("bench.workerThreads", 2);
    static final int WORKER_FETCH = Integer.getInteger("bench.workerFetch", 10);

    /**
     * The baseline a Camunda user has: the same chain of external tasks, fetched, locked and completed through
     * {@code ExternalTaskService} by an in-process worker (threads polling every 2 ms while there is nothing to
     * fetch, as a worker's long poll would wait), with the same no-op tool. The worker runs for its round only.
     */
    private static Result runWorker(EmbeddedEngine o, int instances) throws InterruptedException {
        LATENCIES.clear();
        READY.clear();
        var runtime = o.engine().getRuntimeService();
        var external = o.engine().getExternalTaskService();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        for (int n = 0; n < WORKER_THREADS; n++) {
            String workerId = "bench-worker-" + n;
            Thread t = new Thread(
                    () -> {
                        while (!stop.get()) {
                            var locked = external.fetchAndLock(WORKER_FETCH, workerId)
                                    .topic(WORKER_TOPIC, 60_000)
                                    .execute();
                            if (locked.isEmpty()) {
                                try {
                                    Thread.sleep(2);
                                } catch (InterruptedException e) {
                                    return;
                                }
                                continue;
                            }
                            for (var task : locked) {
                                toolStarted(task.getProcessInstanceId() + "/" + task.getActivityId());
                                external.complete(task.getId(), workerId);
                            }
                        }
                    },
                    workerId);
            t.setDaemon(true);
            workers.add(t);
        }
        long sql0 = statements.total();
        double cpu0 = cpu();
        long start = System.nanoTime();
        workers.forEach(Thread::start);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < instances; i++)
            ids.add(runtime.startProcessInstanceByKey("rawWorker").getId());
        awaitEnd(o, ids);
        Result result = new Result(
                (System.nanoTime() - start) / 1e9,
                LATENCIES.stream().mapToLong(Long::longValue).toArray(),
                cpu() - cpu0,
                statements.since(sql0));
        stop.set(true);
        for (Thread t : workers) t.join(10_000);
        return result;
    }

    /** Waits until every instance reached its end event, then makes sure the engine agrees (a rolled-back end is retried). */
    private static void awaitEnd(EmbeddedEngine o, List<String> ids) throws InterruptedException {
        while (!ENDED.containsAll(ids)) Thread.sleep(2);
        var runtime = o.engine().getRuntimeService();
        for (String id : ids) {
            while (runtime.createProcessInstanceQuery().processInstanceId(id).count() > 0) Thread.sleep(5);
        }
    }

    /**
     * SQL statements the database ran, all connections together (H2's query statistics): the work each
     * side asks of the database, independent of how fast this machine is at the moment.
     */
    interface StatementCount {
        StatementCount NONE = () -> -1;

        long total();

        default long since(long before) {
            long now = total();
            return now < 0 || before < 0 ? -1 : now - before;
        }

        static StatementCount of(EmbeddedEngine o) {
            var config = (org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl)
                    o.engine().getProcessEngineConfiguration();
            if (!config.getJdbcUrl().startsWith("jdbc:h2:")) return NONE;
            javax.sql.DataSource db = config.getDataSource();
            try (var c = db.getConnection();
                    var s = c.createStatement()) {
                s.execute("SET QUERY_STATISTICS_MAX_ENTRIES 2000");
                s.execute("SET QUERY_STATISTICS TRUE");
            } catch (java.sql.SQLException e) {
                System.out.println("SQL statements are not counted: " + e.getMessage());
                return NONE;
            }
            return () -> {
                try (var c = db.getConnection();
                        var s = c.createStatement();
                        var r = s.executeQuery(
                                "SELECT SUM(EXECUTION_COUNT) FROM INFORMATION_SCHEMA.QUERY_STATISTICS")) {
                    return r.next() ? r.getLong(1) : -1;
                } catch (java.sql.SQLException e) {
                    return -1;
                }
            };
        }
    }

    private static double percentile(long[] values, int p) {
        if (values.length == 0) return Double.NaN;
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
