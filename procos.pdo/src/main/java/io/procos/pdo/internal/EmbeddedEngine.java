package io.procos.pdo.internal;

import io.procos.api.process.ProcessService;
import io.procos.api.tde.TaskExecutor;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.ibatis.datasource.pooled.PooledDataSource;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineConfiguration;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.StandaloneProcessEngineConfiguration;
import org.camunda.bpm.engine.impl.jobexecutor.DefaultJobExecutor;
import org.camunda.bpm.engine.impl.persistence.StrongUuidGenerator;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded engine with the orchestrator installed: builds the engine, deploys {@code pdo.bpmn} and
 * {@code tde.bpmn}, and offers the {@link ProcessService}. Plain Java, so the engine tests and the
 * benchmark run exactly what the OSGi component runs.
 */
public final class EmbeddedEngine implements AutoCloseable {

    public static final String PDO_KEY = "procos-pdo";
    public static final String TDE_KEY = "procos-tde";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedEngine.class);

    private final EngineSettings settings;
    private final ProcessEngineConfigurationImpl configuration;
    private final ProcessEngine engine;
    private final TaskReadyNotifier notifier = new TaskReadyNotifier();
    private final InstanceChanges changes = new InstanceChanges();
    private final ToolCalls toolCalls;
    private final ProcessServiceImpl processService;

    /**
     * @param nodeId    stable name of this ProcOS node: jobs it held when it last stopped are released at start
     * @param executor  the task executor there is now (an OSGi service in the distribution), or null while there is none
     */
    public EmbeddedEngine(EngineSettings settings, String nodeId, Supplier<TaskExecutor> executor) {
        this(settings, nodeId, executor, Map.of(), Set.of());
    }

    /**
     * For the benchmark: beside the task executor, its own delegates by name, and the keys of its own
     * processes, which use them and are exempt from the deployment policy like ProcOS's own.
     */
    public EmbeddedEngine(
            EngineSettings settings,
            String nodeId,
            Supplier<TaskExecutor> executor,
            Map<String, Object> trustedDelegates,
            Set<String> trustedProcessKeys) {
        this.settings = settings;
        settings.toolPolicy(); // a default policy that cannot be read stops the engine with what is wrong in it
        Map<String, Object> own = new java.util.HashMap<>(trustedDelegates);
        own.putAll(Map.of(
                "procosPdoFetch", new PdoDelegates.FetchTasks(settings, changes),
                "procosPdoPrepareTask", new PdoDelegates.PrepareTask(settings),
                "procosPdoUpdateTask", new PdoDelegates.UpdateTask(settings, changes),
                "procosPdoUpdateState", new PdoDelegates.EndOfRound()));
        own.putAll(TdeDelegates.beans(executor));
        Set<String> exempt = new java.util.HashSet<>(trustedProcessKeys);
        exempt.addAll(Set.of(PDO_KEY, TDE_KEY));
        DeploymentPolicy policy = new DeploymentPolicy(exempt);
        StandaloneProcessEngineConfiguration cfg =
                settings.storedH2() ? new DurableH2Configuration() : new StandaloneProcessEngineConfiguration();
        cfg.setProcessEngineName("procos");
        cfg.setJdbcUrl(settings.jdbcUrl());
        cfg.setJdbcDriver(settings.jdbcDriver());
        cfg.setJdbcUsername(settings.jdbcUser());
        cfg.setJdbcPassword(settings.jdbcPassword());
        cfg.setJdbcMaxActiveConnections(settings.maxConnections());
        cfg.setDatabaseSchemaUpdate(ProcessEngineConfiguration.DB_SCHEMA_UPDATE_TRUE);
        cfg.setHistory(settings.historyLevel());
        cfg.setHistoryEventHandler(new OrchestrationHistory(settings.stepHistory(), changes));
        cfg.setIdGenerator(new StrongUuidGenerator());
        DelegateBeans beans = new DelegateBeans(own);
        cfg.setBeans(beans);
        cfg.setExpressionManager(new ConfinedExpressionManager(beans));
        // every deployment passes the policy, whoever makes it; conditions of domain processes are ProcOS's grammar
        cfg.setBpmnParseFactory(parser -> new DeploymentPolicy.Parse(parser, policy));
        cfg.setScriptFactory(new NoScripts()); // no script of any language runs, whatever a BPMN says
        this.toolCalls = new ToolCalls(
                nodeId, settings.toolCallThreads(), settings.toolLock().toMillis(), executor);
        cfg.setCustomPreBPMNParseListeners(List.of(policy, notifier, toolCalls));
        // parsed definitions and their models: the engine's own cache, bounded (least recently used go), since
        // every assistant command deploys a new definition
        cfg.setCacheCapacity(1000);
        cfg.setMetricsEnabled(false);
        cfg.setDbMetricsReporterActivate(false);
        // BPMN drawn by users rarely says how long to keep history; keep it half a year
        cfg.setHistoryTimeToLive("P180D");
        // History is removed by end time and time to live, in the cleanup window: no removal time is written
        // into every history row of an instance as it ends (about 15 statements per instance, for the
        // domain's and its orchestrator's alike)
        cfg.setHistoryCleanupStrategy(ProcessEngineConfiguration.HISTORY_CLEANUP_STRATEGY_END_TIME_BASED);
        cfg.setHistoryRemovalTimeStrategy(ProcessEngineConfiguration.HISTORY_REMOVAL_TIME_STRATEGY_NONE);
        String[] window = settings.cleanupWindowTimes();
        if (window != null) {
            cfg.setHistoryCleanupBatchWindowStartTime(window[0]);
            cfg.setHistoryCleanupBatchWindowEndTime(window[1]);
        }
        cfg.setJobExecutorActivate(false); // started below, after releasing this node's stale locks
        DefaultJobExecutor jobExecutor = new DefaultJobExecutor();
        jobExecutor.setCorePoolSize(settings.jobExecutorThreads());
        jobExecutor.setMaxPoolSize(settings.jobExecutorThreads());
        jobExecutor.setQueueSize(settings.jobExecutorThreads() * 4);
        jobExecutor.setMaxJobsPerAcquisition(settings.jobExecutorThreads() * 2);
        jobExecutor.setLockOwner(nodeId);
        // no tool runs in a job (ToolCalls runs them outside transactions), so jobs are short: a short lock lets
        // another node take over a dead node's jobs soon. This node releases its own locks when it starts.
        jobExecutor.setLockTimeInMillis(
                (int) Math.min(Integer.MAX_VALUE, settings.jobLock().toMillis()));
        // Jobs due now wake the executor at once (hints); timers (retry backoff, the PDO's safety net,
        // users' timer events) are found by polling, so poll often: at most 250 ms late, not 5 s.
        jobExecutor.setWaitTimeInMillis(250);
        jobExecutor.setMaxWait(250);
        cfg.setJobExecutor(jobExecutor);
        // jobs are taken oldest first: under load a task that became ready long ago does not wait behind newer ones
        cfg.setEnsureJobDueDateNotNull(true);
        cfg.setJobExecutorAcquireByDueDate(true);

        // MyBatis loads the JDBC driver and its mappings through the context class loader
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(EmbeddedEngine.class.getClassLoader());
        try {
            // JUEL finds its expression factory through the context class loader, once: load it now, with ours
            Class.forName("org.camunda.bpm.impl.juel.jakarta.el.ELUtil", true, EmbeddedEngine.class.getClassLoader());
            this.engine = cfg.buildProcessEngine();
            this.configuration = cfg;
            deployOwnProcesses();
            releaseStaleJobLocks(nodeId);
            notifier.start(engine.getRuntimeService());
            toolCalls.start(cfg);
            jobExecutor.start();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the engine's expression language is missing from the engine bundle", e);
        } finally {
            thread.setContextClassLoader(previous);
        }
        this.processService = new ProcessServiceImpl(engine, configuration, notifier, settings.toolPolicy());
        LOG.info(
                "ProcOS engine ready on {} (history {}, {} job threads)",
                settings.jdbcUrl(),
                settings.historyLevel(),
                settings.jobExecutorThreads());
    }

    /**
     * Runs engine work from a caller's thread (HTTP, shell, a notifier) with the engine bundle as context
     * class loader, which the engine's libraries use to find their parts.
     */
    static <T> T withEngineClassLoader(java.util.function.Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(EmbeddedEngine.class.getClassLoader());
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    public static boolean isOwnProcess(String processKey) {
        return PDO_KEY.equals(processKey) || TDE_KEY.equals(processKey);
    }

    public ProcessEngine engine() {
        return engine;
    }

    /** Told the id of each domain instance that changed, after the change committed (see {@link InstanceChanges}). */
    public void onInstanceChanged(java.util.function.Consumer<String> listener) {
        changes.listener(listener);
    }

    public ProcessService processService() {
        return processService;
    }

    private void deployOwnProcesses() {
        DeploymentBuilder deployment = engine.getRepositoryService()
                .createDeployment()
                .name("procos-orchestrator")
                .enableDuplicateFiltering(true); // a new version only when the BPMN changed
        for (String name : List.of("pdo.bpmn", "tde.bpmn")) {
            InputStream in = EmbeddedEngine.class.getClassLoader().getResourceAsStream("bpmn/" + name);
            if (in == null) throw new IllegalStateException("bpmn/" + name + " is missing from the engine bundle");
            deployment.addInputStream(name, in);
        }
        deployment.deploy();
    }

    /** The engine's configuration for an H2 file: its pool's commits are stored one by one ({@link DurableCommits}). */
    private static final class DurableH2Configuration extends StandaloneProcessEngineConfiguration {
        private DataSource pool;

        @Override
        protected void initDataSource() {
            super.initDataSource();
            pool = dataSource;
            try {
                dataSource = DurableCommits.around(pool);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            super.close();
            if (pool instanceof PooledDataSource pooled) pooled.forceCloseAll();
        }
    }

    /**
     * Jobs this node had locked when it stopped would otherwise wait for their lock to expire
     * (minutes) before running again; at start nothing of this node runs yet, so release them.
     */
    private void releaseStaleJobLocks(String nodeId) {
        try (Connection c = configuration.getDataSource().getConnection();
                PreparedStatement s = c.prepareStatement(
                        "UPDATE ACT_RU_JOB SET LOCK_OWNER_ = NULL, LOCK_EXP_TIME_ = NULL WHERE LOCK_OWNER_ = ?")) {
            c.setAutoCommit(false); // committed below, and so stored at once on an H2 file
            s.setString(1, nodeId);
            int released = s.executeUpdate();
            c.commit();
            if (released > 0) LOG.info("Released {} job(s) this node held when it last stopped", released);
        } catch (Exception e) {
            LOG.warn("Could not release stale job locks of {}: {}", nodeId, e.toString());
        }
    }

    @Override
    public void close() {
        toolCalls.stop();
        notifier.stop();
        engine.close();
        if (settings.jdbcUrl().startsWith("jdbc:h2:")) {
            // an embedded H2 file stays locked after a bundle refresh unless it is shut down
            try (Connection c = configuration.getDataSource().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (Exception e) {
                LOG.debug("H2 shutdown: {}", e.toString());
            }
        }
    }

    /** "3 running, 120 ended here (1 made again after an interruption)". */
    String toolCallsSummary() {
        return toolCalls.running() + " running, " + toolCalls.ended() + " ended on this node (" + toolCalls.madeAgain()
                + " made again after an interruption)";
    }

    boolean jobExecutorActive() {
        return configuration.getJobExecutor().isActive();
    }
}
