package io.procos.pdo.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.db.entitymanager.cache.DbEntityCache;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ExternalTaskEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes an orchestrator when its domain instance has new ready tasks or has ended, so it never polls.
 * A parse listener puts a start listener on every {@code procos.task} external task and an end listener
 * on every domain process; once the engine transaction that created the task (or ended the instance)
 * commits, the message {@value #MESSAGE} is correlated to the PDO whose business key is the domain
 * instance id. The PDO may be busy (running TDEs) or just about to wait: then a few quick retries,
 * and its timer as a last resort, make sure nothing is missed.
 */
final class TaskReadyNotifier extends AbstractBpmnParseListener {

    static final String MESSAGE = "procos.tasksReady";
    private static final Logger LOG = LoggerFactory.getLogger(TaskReadyNotifier.class);
    private static final long[] RETRY_DELAYS_MS = {0, 20, 100, 500};

    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "procos-pdo-notifier");
        t.setDaemon(true);
        // created lazily, by whichever thread committed first (an HTTP request's, say): run orchestrator code as the
        // engine's
        t.setContextClassLoader(TaskReadyNotifier.class.getClassLoader());
        return t;
    });
    /** Domain instances with a notification already queued: one per transaction burst is enough. */
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    /** Domain instance id → its PDO's process instance id: correlating by instance id is an indexed lookup. */
    private final BoundedCache<String, String> pdoByDomain = new BoundedCache<>(100_000);

    private volatile RuntimeService runtime;

    private final ExecutionListener taskCreated = this::taskCreated;
    private final ExecutionListener domainEnded = this::domainEnded;

    void start(RuntimeService runtimeService) {
        this.runtime = runtimeService;
    }

    void stop() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS); // no correlation may outlive the engine
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Called when a domain instance and its PDO start; after a restart the PDO is looked up once instead. */
    void remember(String domainInstanceId, String pdoInstanceId) {
        pdoByDomain.put(domainInstanceId, pdoInstanceId);
    }

    @Override
    public void parseProcess(Element processElement, ProcessDefinitionEntity processDefinition) {
        if (!EmbeddedEngine.isOwnProcess(processDefinition.getKey())) {
            processDefinition.addListener(ExecutionListener.EVENTNAME_END, domainEnded);
        }
    }

    @Override
    public void parseServiceTask(Element serviceTaskElement, ScopeImpl scope, ActivityImpl activity) {
        String type = serviceTaskElement.attributeNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "type");
        String topic = serviceTaskElement.attributeNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "topic");
        if ("external".equals(type) && io.procos.api.process.ProcessService.TASK_TOPIC.equals(topic)) {
            activity.addListener(ExecutionListener.EVENTNAME_START, taskCreated);
        }
    }

    private void domainEnded(DelegateExecution execution) {
        String domainInstanceId = execution.getProcessInstanceId();
        Context.getCommandContext()
                .getTransactionContext()
                .addTransactionListener(TransactionState.COMMITTED, ctx -> schedule(domainInstanceId, 0));
    }

    /**
     * Most tasks need no notification: the orchestrator whose TDE let the domain instance move on
     * fetches (and locks) the new tasks in the same transaction, and an orchestrator started with its
     * domain instance fetches first thing. Only a task still unlocked when the transaction commits, in
     * an instance whose orchestrator did not just start, is one no orchestrator will look for by itself.
     */
    private void taskCreated(DelegateExecution execution) {
        String domainInstanceId = execution.getProcessInstanceId();
        Context.getCommandContext().getTransactionContext().addTransactionListener(TransactionState.COMMITTED, ctx -> {
            DbEntityCache cache = ctx.getDbEntityManager().getDbEntityCache();
            for (ExecutionEntity e : cache.getEntitiesByType(ExecutionEntity.class)) {
                // the orchestrator started with its domain instance: its first fetch finds the task
                if (cache.isTransient(e)
                        && e.isProcessInstanceExecution()
                        && domainInstanceId.equals(e.getBusinessKey())
                        && e.getProcessDefinitionId() != null
                        && e.getProcessDefinitionId().startsWith(EmbeddedEngine.PDO_KEY + ":")) {
                    return;
                }
            }
            for (ExternalTaskEntity task : cache.getEntitiesByType(ExternalTaskEntity.class)) {
                if (domainInstanceId.equals(task.getProcessInstanceId())
                        && task.getLockExpirationTime() == null
                        && io.procos.api.process.ProcessService.TASK_TOPIC.equals(task.getTopicName())) {
                    schedule(domainInstanceId, 0);
                    return;
                }
            }
        });
    }

    private void schedule(String domainInstanceId, int attempt) {
        if (attempt == 0 && !queued.add(domainInstanceId)) return;
        try {
            executor.schedule(
                    () -> correlate(domainInstanceId, attempt), RETRY_DELAYS_MS[attempt], TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            queued.remove(domainInstanceId);
        }
    }

    private void correlate(String domainInstanceId, int attempt) {
        if (attempt == 0) queued.remove(domainInstanceId);
        RuntimeService rs = runtime;
        if (rs == null) return;
        boolean delivered;
        try {
            String pdo = pdoByDomain.get(domainInstanceId, d -> {
                var found = rs.createProcessInstanceQuery()
                        .processDefinitionKey(EmbeddedEngine.PDO_KEY)
                        .processInstanceBusinessKey(d)
                        .singleResult();
                return found == null ? null : found.getId();
            });
            if (pdo == null) return; // no orchestrator drives this instance (anymore)
            delivered = !rs.createMessageCorrelation(MESSAGE)
                    .processInstanceId(pdo)
                    .correlateAllWithResult()
                    .isEmpty();
            if (delivered
                    && rs.createProcessInstanceQuery().processInstanceId(pdo).count() == 0) {
                pdoByDomain.remove(domainInstanceId); // the orchestrator ended with its domain instance
            }
        } catch (OptimisticLockingException e) {
            delivered = false; // the PDO moved at the same moment: look again shortly
        } catch (RuntimeException e) {
            // mostly the orchestrator moving at the same moment (the engine reports some such races as
            // persistence errors); only the last attempt's failure is worth a warning
            boolean last = attempt + 1 >= RETRY_DELAYS_MS.length;
            if (last)
                LOG.warn(
                        "Could not notify the orchestrator of domain instance {} (its safety net will look): {}",
                        domainInstanceId,
                        e.toString());
            else
                LOG.debug(
                        "Notifying the orchestrator of domain instance {} failed, trying again: {}",
                        domainInstanceId,
                        e.toString());
            delivered = false;
        }
        LOG.debug("notify {} attempt {} delivered {}", domainInstanceId, attempt, delivered);
        if (!delivered && attempt + 1 < RETRY_DELAYS_MS.length) {
            schedule(domainInstanceId, attempt + 1);
        }
    }
}
