package io.procos.pdo.internal;

import io.procos.api.tde.Decision;
import io.procos.api.tde.TaskExecutor;
import io.procos.api.tde.TaskFailedException;
import io.procos.api.tde.TaskRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ExternalTaskEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tool calls outside database transactions. In {@code tde.bpmn}, Execute and Sample are external
 * tasks on topic {@value #TOPIC}; this worker locks one (committed: the record that the call started), calls
 * the task executor with no transaction open and no job thread held, renewing the lock while the tool runs,
 * and completes the task with the result (committed: the record that it ended, in the same transaction as
 * the TDE's Log and the domain task's completion).
 *
 * <p>A call is handed to the worker the moment the transaction that created its task commits. A call whose
 * start was recorded but whose end never was (the node stopped or crashed while the tool ran, or before the
 * result was committed) is found again once its lock expires, or at once by the same node when it starts
 * again, and made again with the same idempotency key; its run counts it in {@value TdeDelegates#TOOL_RERUNS}
 * and says so in the instance view and in memory. Calls are therefore at least once; their effects are once
 * for tools that honour the key ({@code ToolContext.taskId()}).
 *
 * <p>Bounded: at most {@code threads} calls run at once and a few more wait in memory; the rest wait in the
 * database, where the poller finds them when a thread is free.
 */
final class ToolCalls extends AbstractBpmnParseListener {

    static final String TOPIC = "procos.tool";
    private static final Logger LOG = LoggerFactory.getLogger(ToolCalls.class);
    private static final int COMPLETE_ATTEMPTS = 8;

    private final String workerId;
    private final long lockMillis;
    private final int threads;
    private final Supplier<TaskExecutor> executor;
    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1, r -> thread(r, "timer"));
    /** Calls handed to a thread or waiting for one: a call is never run twice at once by this node. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** Calls whose end this node recorded, and those of them it made again after an interruption. */
    private final java.util.concurrent.atomic.AtomicLong ended = new java.util.concurrent.atomic.AtomicLong();

    private final java.util.concurrent.atomic.AtomicLong madeAgain = new java.util.concurrent.atomic.AtomicLong();

    private final ExecutionListener callReady = this::callReady;
    private volatile ExternalTaskService tasks;
    private volatile ProcessEngineConfigurationImpl configuration;
    private volatile boolean stopped;

    /**
     * @param workerId   this node's stable id: it locks the calls it runs
     * @param lockMillis how long a call's lock lasts unless renewed; renewed every third of it while the tool runs
     */
    ToolCalls(String workerId, int threads, long lockMillis, Supplier<TaskExecutor> executor) {
        this.workerId = workerId;
        this.threads = threads;
        this.lockMillis = lockMillis;
        this.executor = executor;
        this.pool = new ThreadPoolExecutor(
                threads,
                threads,
                60,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads * 4),
                r -> thread(r, "call"),
                new ThreadPoolExecutor.AbortPolicy());
    }

    private static Thread thread(Runnable r, String kind) {
        Thread t = new Thread(r, "procos-tool-" + kind);
        t.setDaemon(true);
        t.setContextClassLoader(ToolCalls.class.getClassLoader()); // the engine's libraries find their parts
        return t;
    }

    /**
     * Once the engine runs: the calls this node had started when it last stopped are released (their
     * worker id stays, so they are known as interrupted), and the poller looks for waiting calls.
     */
    void start(ProcessEngineConfigurationImpl cfg) {
        this.configuration = cfg;
        this.tasks = cfg.getExternalTaskService();
        releaseOwnStaleLocks(cfg);
        long every = Math.max(250, Math.min(2000, lockMillis / 4));
        timers.scheduleWithFixedDelay(this::poll, 0, every, TimeUnit.MILLISECONDS);
    }

    void stop() {
        stopped = true;
        timers.shutdownNow();
        pool.shutdownNow(); // tools are told (interrupted); what is not finished is made again at the next start
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS))
                LOG.warn(
                        "{} tool calls did not stop within 10 s; they are made again at the next start",
                        inFlight.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    int running() {
        return inFlight.size();
    }

    long ended() {
        return ended.get();
    }

    long madeAgain() {
        return madeAgain.get();
    }

    @Override
    public void parseServiceTask(Element serviceTaskElement, ScopeImpl scope, ActivityImpl activity) {
        String type = serviceTaskElement.attributeNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "type");
        String topic = serviceTaskElement.attributeNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "topic");
        if ("external".equals(type)
                && TOPIC.equals(topic)
                && scope.getProcessDefinition() instanceof ProcessDefinitionEntity d
                && EmbeddedEngine.TDE_KEY.equals(d.getKey())) {
            activity.addListener(ExecutionListener.EVENTNAME_START, callReady);
        }
    }

    /** A call's task is about to be created: once its transaction commits, hand it to a thread. */
    private void callReady(DelegateExecution tde) {
        Call call = Call.of(tde);
        String tdeInstance = tde.getProcessInstanceId();
        Context.getCommandContext().getTransactionContext().addTransactionListener(TransactionState.COMMITTED, ctx -> {
            for (ExternalTaskEntity task :
                    ctx.getDbEntityManager().getDbEntityCache().getEntitiesByType(ExternalTaskEntity.class)) {
                if (tdeInstance.equals(task.getProcessInstanceId())
                        && TOPIC.equals(task.getTopicName())
                        && task.getLockExpirationTime() == null) {
                    submit(task.getId(), task.getExecutionId(), call, false);
                }
            }
        });
    }

    private void submit(String taskId, String executionId, Call call, boolean interrupted) {
        if (stopped || !inFlight.add(taskId)) return;
        try {
            pool.execute(() -> run(taskId, executionId, call, interrupted));
        } catch (RejectedExecutionException full) {
            inFlight.remove(taskId); // it waits in the database; the poller hands it out when a thread is free
        }
    }

    /** Waiting calls (queue was full) and interrupted ones (lock expired, or this node restarted). */
    private void poll() {
        try {
            int free = threads - inFlight.size();
            if (free <= 0 || stopped) return;
            List<ExternalTask> waiting = EmbeddedEngine.withEngineClassLoader(() -> tasks.createExternalTaskQuery()
                    .topicName(TOPIC)
                    .notLocked()
                    .active()
                    .listPage(0, free));
            for (ExternalTask t : waiting) {
                // a worker id on a task that is not locked: a call started and its end was never recorded
                submit(t.getId(), t.getExecutionId(), null, t.getWorkerId() != null);
            }
        } catch (RuntimeException e) {
            if (!stopped) LOG.warn("Looking for waiting tool calls failed: {}", e.toString());
        }
    }

    private void run(String taskId, String executionId, Call known, boolean interrupted) {
        ScheduledFuture<?> renewal = null;
        try {
            try {
                tasks.lock(taskId, workerId, lockMillis); // committed: the call has started
            } catch (ProcessEngineException taken) {
                return; // another node took it, or it is gone (its instance ended or was deleted)
            }
            renewal = timers.scheduleAtFixedRate(
                    () -> renew(taskId), lockMillis / 3, lockMillis / 3, TimeUnit.MILLISECONDS);
            Call call = known != null ? known : read(executionId);
            if (call == null) return;
            Map<String, Object> out = new HashMap<>();
            if (interrupted) {
                madeAgain.incrementAndGet();
                out.put(TdeDelegates.TOOL_RERUNS, call.reruns() + 1);
                LOG.warn(
                        "Tool call of task {} ({}) had started and never ended (ProcOS stopped or crashed): it is"
                                + " made again with the same idempotency key",
                        call.request().taskId(),
                        call.decision().tool());
            }
            TaskExecutor e = executor.get();
            if (e == null) {
                fail(taskId, "the task executor (procos.tde) is not available; the task will be retried", out);
                return;
            }
            try {
                if (call.sampling())
                    TdeDelegates.sampled(
                            out, e.sample(call.request(), call.decision(), call.samples()), call.millisSoFar());
                else TdeDelegates.executed(out, e.execute(call.request(), call.decision()));
            } catch (TaskFailedException f) {
                if (!f.retryable()) out.put(TdeDelegates.RETRYABLE, false);
                fail(taskId, f.getMessage(), out);
                return;
            } catch (RuntimeException f) {
                fail(taskId, "the tool call failed: " + f, out);
                return;
            }
            if (renewal != null) renewal.cancel(false);
            finish(taskId, () -> tasks.complete(taskId, workerId, out));
        } finally {
            if (renewal != null) renewal.cancel(false);
            inFlight.remove(taskId);
        }
    }

    private void fail(String taskId, String message, Map<String, Object> variables) {
        finish(taskId, () -> tasks.handleBpmnError(taskId, workerId, TdeDelegates.TASK_FAILED, message, variables));
    }

    /**
     * Commits a call's end. The TDE's Log and the domain task's completion run in the same transaction, and a
     * sibling TDE of the same round ending at the same moment can make it conflict: then it is tried again,
     * the tool is not.
     */
    private void finish(String taskId, Runnable end) {
        for (int attempt = 1; ; attempt++) {
            try {
                end.run();
                ended.incrementAndGet();
                return;
            } catch (OptimisticLockingException conflict) {
                if (attempt >= COMPLETE_ATTEMPTS || stopped) {
                    LOG.warn("The end of tool call {} could not be recorded ({}); it is made again", taskId, conflict);
                    return;
                }
                try {
                    Thread.sleep(5L * attempt * attempt);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (ProcessEngineException gone) {
                LOG.info("The end of tool call {} was not recorded: {}", taskId, gone.getMessage());
                return;
            }
        }
    }

    private void renew(String taskId) {
        try {
            tasks.extendLock(taskId, workerId, lockMillis);
        } catch (RuntimeException e) {
            LOG.debug("Renewing the lock of tool call {}: {}", taskId, e.toString());
        }
    }

    /** A call found in the database (not just created): its TDE's variables, read in a transaction of its own. */
    private Call read(String executionId) {
        return configuration.getCommandExecutorTxRequired().execute(ctx -> {
            ExecutionEntity execution = ctx.getExecutionManager().findExecutionById(executionId);
            return execution == null ? null : Call.of(execution);
        });
    }

    /**
     * At start nothing of this node runs yet: calls it held when it last stopped need not wait for their
     * locks to expire. The worker id stays on them, which is how the poller knows they were interrupted.
     */
    private void releaseOwnStaleLocks(ProcessEngineConfigurationImpl cfg) {
        try (Connection c = cfg.getDataSource().getConnection();
                PreparedStatement s = c.prepareStatement(
                        "UPDATE ACT_RU_EXT_TASK SET LOCK_EXP_TIME_ = NULL WHERE WORKER_ID_ = ? AND TOPIC_NAME_ = ?")) {
            c.setAutoCommit(false); // committed below, and so stored at once on an H2 file
            s.setString(1, workerId);
            s.setString(2, TOPIC);
            int released = s.executeUpdate();
            c.commit();
            if (released > 0)
                LOG.warn("{} tool call(s) were running when this node last stopped: they are made again", released);
        } catch (Exception e) {
            LOG.warn("Could not release the tool calls {} held when it last stopped: {}", workerId, e.toString());
        }
    }

    /** What a call needs, read from its TDE's variables. */
    record Call(
            TaskRequest request,
            Decision decision,
            boolean sampling,
            List<Object> samples,
            long millisSoFar,
            int reruns) {
        static Call of(DelegateExecution tde) {
            boolean sampling = TdeDelegates.SAMPLE_STEP.equals(tde.getCurrentActivityId());
            Object reruns = tde.getVariable(TdeDelegates.TOOL_RERUNS);
            Object millis = tde.getVariable(TdeDelegates.EXECUTE_MILLIS);
            return new Call(
                    TdeDelegates.request(tde),
                    TdeDelegates.decision(tde),
                    sampling,
                    sampling ? TdeDelegates.samples(tde) : List.of(),
                    millis instanceof Number n ? n.longValue() : 0L,
                    reruns instanceof Number n ? n.intValue() : 0);
        }
    }
}
