package io.procos.pdo.internal;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How the engine and the orchestrator loop are set up; built from {@link EngineConfiguration} in
 * OSGi, directly by tests and the benchmark.
 *
 * @param jdbcUrl             engine database; an H2 file by default, PostgreSQL by configuration
 * @param maxTaskAttempts     how often a failing task is tried before it becomes an incident
 * @param retryBackoff        wait before the second attempt; doubles with each further attempt
 * @param safetyNet           longest wait of an idle orchestrator before it looks for ready tasks anyway
 * @param taskLock            how long a fetched task stays locked to its orchestrator
 * @param stepHistory         keep the history of every PDO and TDE step too, not only each TDE run's outcome
 * @param cleanupWindow       daily HH:mm-HH:mm in which history older than its time to live is removed; empty: never
 * @param defaultToolPolicy   what the tasks of a process that names nothing may use ({@link io.procos.api.tool.ToolPolicy})
 * @param toolCallThreads     tool calls that run at once on this node; more wait in the database
 * @param toolLock            how long a tool call stays locked to this node unless renewed (renewed while it runs):
 *                            a dead node's calls are taken over after this
 * @param jobLock             how long a job stays locked to this node's job executor: a dead node's jobs are
 *                            taken over after this
 */
public record EngineSettings(
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        int maxConnections,
        String historyLevel,
        int jobExecutorThreads,
        int maxTaskAttempts,
        Duration retryBackoff,
        Duration safetyNet,
        Duration taskLock,
        int maxTasksPerFetch,
        boolean stepHistory,
        String cleanupWindow,
        String defaultToolPolicy,
        int toolCallThreads,
        Duration toolLock,
        Duration jobLock) {

    public EngineSettings {
        if (toolCallThreads < 1) throw new IllegalArgumentException("toolCallThreads must be at least 1");
        if (toolLock.toMillis() < 3000)
            throw new IllegalArgumentException("the tool call lock must be at least 3 s, not " + toolLock);
        // every job thread holds a database connection while its job runs; tool calls, HTTP requests and the
        // orchestrator's notifications need some too, briefly
        if (maxConnections < jobExecutorThreads + 2)
            throw new IllegalArgumentException("the engine's connection pool (maxConnections=" + maxConnections
                    + ") must be larger than its job threads (jobExecutorThreads=" + jobExecutorThreads
                    + ") by at least 2, or tool calls and HTTP requests wait for a connection: raise maxConnections"
                    + " to " + (jobExecutorThreads + 2) + " or more, or lower jobExecutorThreads");
    }

    public static final String DEFAULT_CLEANUP_WINDOW = "01:00-05:00";
    private static final Pattern WINDOW = Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d-([01]\\d|2[0-3]):[0-5]\\d");

    /**
     * Start and end of the cleanup window, or null for none.
     *
     * @throws IllegalArgumentException saying what is wrong with a window that is not HH:mm-HH:mm
     */
    String[] cleanupWindowTimes() {
        String window = cleanupWindow == null ? "" : cleanupWindow.strip();
        if (window.isEmpty()) return null;
        if (!WINDOW.matcher(window).matches()) {
            throw new IllegalArgumentException(
                    "history cleanup window '" + window + "' is not HH:mm-HH:mm on a 24-hour clock (for example "
                            + DEFAULT_CLEANUP_WINDOW + "), nor empty for never");
        }
        return window.split("-");
    }

    /** Defaults for everything but the database. */
    public static EngineSettings forDatabase(String jdbcUrl, String user, String password) {
        return builder(jdbcUrl, user, password).build();
    }

    /** Settings by name, starting from the defaults: {@code builder(url, user, pw).jobExecutorThreads(4).build()}. */
    public static Builder builder(String jdbcUrl, String user, String password) {
        return new Builder(jdbcUrl, user, password);
    }

    /** These settings as a builder, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder(jdbcUrl, jdbcUser, jdbcPassword);
        b.maxConnections = maxConnections;
        b.historyLevel = historyLevel;
        b.jobExecutorThreads = jobExecutorThreads;
        b.maxTaskAttempts = maxTaskAttempts;
        b.retryBackoff = retryBackoff;
        b.safetyNet = safetyNet;
        b.taskLock = taskLock;
        b.maxTasksPerFetch = maxTasksPerFetch;
        b.stepHistory = stepHistory;
        b.cleanupWindow = cleanupWindow;
        b.defaultToolPolicy = defaultToolPolicy;
        b.toolCallThreads = toolCallThreads;
        b.toolLock = toolLock;
        b.jobLock = jobLock;
        return b;
    }

    /** Named settings with the defaults ProcOS ships. */
    public static final class Builder {
        private final String jdbcUrl;
        private final String jdbcUser;
        private final String jdbcPassword;
        private int maxConnections = 10;
        private String historyLevel = "audit";
        private int jobExecutorThreads = 8;
        private int maxTaskAttempts = 3;
        private Duration retryBackoff = Duration.ofSeconds(2);
        private Duration safetyNet = Duration.ofSeconds(30);
        private Duration taskLock = Duration.ofMinutes(30);
        private int maxTasksPerFetch = 100;
        private boolean stepHistory;
        private String cleanupWindow = DEFAULT_CLEANUP_WINDOW;
        private String defaultToolPolicy = io.procos.api.tool.ToolPolicy.DEFAULT_SPEC;
        private int toolCallThreads = 8;
        private Duration toolLock = Duration.ofSeconds(30);
        private Duration jobLock = Duration.ofSeconds(60);

        private Builder(String jdbcUrl, String jdbcUser, String jdbcPassword) {
            this.jdbcUrl = jdbcUrl;
            this.jdbcUser = jdbcUser;
            this.jdbcPassword = jdbcPassword;
        }

        public Builder maxConnections(int n) {
            maxConnections = n;
            return this;
        }

        public Builder history(String level, boolean orchestratorSteps) {
            historyLevel = level;
            stepHistory = orchestratorSteps;
            return this;
        }

        public Builder jobExecutorThreads(int n) {
            jobExecutorThreads = n;
            return this;
        }

        public Builder retry(int attempts, Duration backoff) {
            maxTaskAttempts = attempts;
            retryBackoff = backoff;
            return this;
        }

        public Builder safetyNet(Duration d) {
            safetyNet = d;
            return this;
        }

        public Builder taskLock(Duration d) {
            taskLock = d;
            return this;
        }

        public Builder cleanupWindow(String window) {
            cleanupWindow = window;
            return this;
        }

        public Builder defaultToolPolicy(String policy) {
            defaultToolPolicy = policy;
            return this;
        }

        public Builder toolCalls(int threads, Duration lock) {
            toolCallThreads = threads;
            toolLock = lock;
            return this;
        }

        public Builder jobLock(Duration d) {
            jobLock = d;
            return this;
        }

        public EngineSettings build() {
            return new EngineSettings(
                    jdbcUrl,
                    jdbcUser,
                    jdbcPassword,
                    maxConnections,
                    historyLevel,
                    jobExecutorThreads,
                    maxTaskAttempts,
                    retryBackoff,
                    safetyNet,
                    taskLock,
                    maxTasksPerFetch,
                    stepHistory,
                    cleanupWindow,
                    defaultToolPolicy,
                    toolCallThreads,
                    toolLock,
                    jobLock);
        }
    }

    /**
     * The default engine database: an H2 file, durable at each commit. Camunda runs far more distinct statements than H2's
     * default per-connection cache of 8 holds; re-parsing them halved the raw engine's throughput.
     */
    public static String h2File(java.nio.file.Path file) {
        // Durable at each commit through DurableCommits (a CHECKPOINT after every commit), not WRITE_DELAY=0: that
        // setting stops H2's background writer, which is what frees and compacts old chunks, and the file then grew
        // by ~430 KB per task. Old chunks are kept 2 s (H2's default is 45 s): a kill -9 loses nothing the operating
        // system was given, and at hundreds of commits a second 45 s of chunks is gigabytes. H2 corrupts files with
        // no retention at all, so not 0. The page cache is 8 MB (H2's default 16): the engine's live rows are few and
        // its history is written, rarely read, so a cache that fills with history pages only holds heap longer.
        return "jdbc:h2:file:" + file.toAbsolutePath() + ";QUERY_CACHE_SIZE=256;RETENTION_TIME=2000;CACHE_SIZE=8192";
    }

    /** An H2 database with a file, whose commits {@link DurableCommits} makes durable one by one. */
    boolean storedH2() {
        return jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:h2:mem:");
    }

    public EngineSettings withRetry(int attempts, Duration backoff) {
        return toBuilder().retry(attempts, backoff).build();
    }

    public EngineSettings withCleanupWindow(String window) {
        return toBuilder().cleanupWindow(window).build();
    }

    public EngineSettings withDefaultToolPolicy(String policy) {
        return toBuilder().defaultToolPolicy(policy).build();
    }

    /**
     * The default as a policy.
     *
     * @throws IllegalArgumentException naming an entry that is no tool, pattern or reach word
     */
    io.procos.api.tool.ToolPolicy toolPolicy() {
        return io.procos.api.tool.ToolPolicy.parse(defaultToolPolicy, io.procos.api.tool.ToolPolicy.standard());
    }

    String jdbcDriver() {
        if (jdbcUrl.startsWith("jdbc:h2:")) return "org.h2.Driver";
        if (jdbcUrl.startsWith("jdbc:postgresql:")) return "org.postgresql.Driver";
        throw new IllegalArgumentException(
                "unsupported engine database URL '" + jdbcUrl + "': use jdbc:h2:… or jdbc:postgresql:…");
    }
}
