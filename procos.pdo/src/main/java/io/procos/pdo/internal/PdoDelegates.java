package io.procos.pdo.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procos.api.process.ProcessService;
import io.procos.api.tde.TaskRun;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.db.entitymanager.cache.DbEntityCache;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ExternalTaskEntity;
import org.camunda.bpm.engine.variable.Variables;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.Documentation;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The orchestrator's own steps, named in {@code pdo.bpmn}. They know no tool and no kind of task. */
public final class PdoDelegates {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(PdoDelegates.class);

    private PdoDelegates() {}

    /** The external-task worker id of one PDO instance: it locks, completes and fails its tasks. */
    static String workerId(DelegateExecution pdo) {
        return "procos-pdo:" + pdo.getProcessInstanceId();
    }

    /** "Fetch ready tasks": lock the domain instance's ready tasks, note whether it ended and when to look again. */
    public static final class FetchTasks implements JavaDelegate {
        private final EngineSettings settings;
        private final InstanceChanges changes;

        FetchTasks(EngineSettings settings, InstanceChanges changes) {
            this.settings = settings;
            this.changes = changes;
        }

        /** The multi-instance collection of "Execute each task": the ids this round locked. */
        public List<String> ids(String readyTasks) {
            return readyTasks == null || readyTasks.isEmpty() ? List.of() : List.of(readyTasks.split(","));
        }

        @Override
        public void execute(DelegateExecution pdo) {
            String domainId = (String) pdo.getVariable(TdeDelegates.DOMAIN_INSTANCE);
            // Entities, not queries: the domain instance and its tasks are mostly in this transaction's cache
            // already (the TDE that just ended completed one of them), and tasks created by this very
            // transaction are not in the database yet, so no query would see them.
            CommandContext context = Context.getCommandContext();
            DbEntityCache cache = context.getDbEntityManager().getDbEntityCache();
            ExecutionEntity domain = context.getExecutionManager().findExecutionById(domainId);
            boolean ended = domain == null || domain.isEnded() || cache.isDeleted(domain);
            long now = System.currentTimeMillis();
            long wakeAt = now + settings.safetyNet().toMillis();
            List<String> ready = new ArrayList<>();
            if (!ended) {
                Map<String, ExternalTaskEntity> tasks = new LinkedHashMap<>();
                for (ExternalTaskEntity task :
                        context.getExternalTaskManager().findExternalTasksByProcessInstanceId(domainId)) {
                    tasks.put(task.getId(), task);
                }
                for (ExternalTaskEntity task : cache.getEntitiesByType(ExternalTaskEntity.class)) {
                    if (domainId.equals(task.getProcessInstanceId())) tasks.putIfAbsent(task.getId(), task);
                }
                for (ExternalTaskEntity task : tasks.values()) {
                    if (cache.isDeleted(task)
                            || !ProcessService.TASK_TOPIC.equals(task.getTopicName())
                            || task.isSuspended()
                            || task.getRetries() != null && task.getRetries() <= 0) {
                        continue;
                    }
                    Date lockedUntil = task.getLockExpirationTime();
                    if (lockedUntil == null || lockedUntil.getTime() <= now) {
                        if (ready.size() < settings.maxTasksPerFetch()) {
                            task.lock(workerId(pdo), settings.taskLock().toMillis());
                            ready.add(task.getId());
                        }
                    } else if (task.getRetries() != null) {
                        // a task waiting out its retry backoff is locked until its next attempt is due
                        wakeAt = Math.min(wakeAt, lockedUntil.getTime() + 50);
                    }
                }
            }
            if (!ready.isEmpty()) changes.touched(domainId); // its tasks are running now
            // a retry this orchestrator scheduled in the transaction that brought it here
            if (pdo.getVariable("retryDueAt") instanceof Date due) {
                if (due.getTime() > now) wakeAt = Math.min(wakeAt, due.getTime());
                else pdo.removeVariable("retryDueAt");
            }
            // transient: read by the gateway, the multi-instance collection and the timer of this same
            // transaction, so never written to the database
            pdo.setVariable("domainEnded", Variables.booleanValue(ended, true));
            pdo.setVariable("readyCount", Variables.integerValue(ready.size(), true));
            // kept: the single-task call reads it after its asynchronous start
            pdo.setVariable("readyTasks", String.join(",", ready));
            pdo.setVariable("wakeAt", Variables.dateValue(new Date(Math.max(wakeAt, now + 50)), true));
        }
    }

    /** Start of each TDE call: tell the TDE what its task says (name, documentation, variables). */
    static final class PrepareTask implements ExecutionListener {
        private final EngineSettings settings;
        /** Per definition; the parsed models themselves are in the engine's own bounded deployment cache. */
        private final BoundedCache<String, String> policies = new BoundedCache<>(1024);

        PrepareTask(EngineSettings settings) {
            this.settings = settings;
        }

        /**
         * What a task sees: the fields of earlier tasks' results (so a later task can use what an earlier one
         * produced), then the process's own variables, which always win.
         */
        static Map<String, Object> inputOf(Map<String, Object> variables) {
            Map<String, Object> input = new LinkedHashMap<>();
            variables.forEach((name, value) -> {
                if (!name.endsWith(RESULT_SUFFIX)) return;
                Object fields = TdeDelegates.plain(EngineValues.text(value));
                if (fields instanceof Map<?, ?> m) m.forEach((k, v) -> input.put(String.valueOf(k), v));
            });
            input.putAll(variables);
            return input;
        }

        /** A camunda:property of a flow element, or null. */
        static String property(FlowElement element, String name) {
            if (element == null || element.getExtensionElements() == null) return null;
            for (org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties ps : element.getExtensionElements()
                    .getElementsQuery()
                    .filterByType(org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties.class)
                    .list()) {
                for (org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty p : ps.getCamundaProperties()) {
                    if (name.equals(p.getCamundaName())) return p.getCamundaValue();
                }
            }
            return null;
        }

        /** What the tasks of a definition may use: its procos.tools property, else the configured default. */
        String toolPolicy(BpmnModelInstance model, String definitionId, String processKey) {
            return policies.get(definitionId, id -> toolPolicy(model, processKey, settings.toolPolicy())
                    .spec());
        }

        static io.procos.api.tool.ToolPolicy toolPolicy(
                BpmnModelInstance model, String processKey, io.procos.api.tool.ToolPolicy fallback) {
            org.camunda.bpm.model.bpmn.instance.Process process = model.getModelElementById(processKey);
            String spec = null;
            if (process != null && process.getExtensionElements() != null) {
                for (org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty p : process
                        .getExtensionElements()
                        .getElementsQuery()
                        .filterByType(org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties.class)
                        .list()
                        .stream()
                        .flatMap(ps -> ps.getCamundaProperties().stream())
                        .toList()) {
                    if (io.procos.api.tool.ToolPolicy.PROPERTY.equals(p.getCamundaName())) spec = p.getCamundaValue();
                }
            }
            return io.procos.api.tool.ToolPolicy.parse(spec, fallback); // checked by the deployment policy already
        }

        /**
         * A value only the call's {@code camunda:in} reads, in this transaction: transient, so it is never written
         * to the database (the call now outlives the transaction, waiting for its tool call).
         */
        private static void passOn(DelegateExecution call, String name, Object value) {
            org.camunda.bpm.engine.variable.value.TypedValue typed;
            if (value instanceof org.camunda.bpm.engine.variable.value.BytesValue bytes)
                typed = Variables.byteArrayValue(bytes.getValue(), true);
            else if (value instanceof byte[] bytes) typed = Variables.byteArrayValue(bytes, true);
            else if (value instanceof Integer i) typed = Variables.integerValue(i, true);
            else if (value instanceof Long l) typed = Variables.longValue(l, true);
            else if (value == null) typed = Variables.untypedNullValue(true);
            else typed = Variables.stringValue(value.toString(), true);
            call.setVariableLocal(name, typed);
        }

        @Override
        public void notify(DelegateExecution call) throws JsonProcessingException {
            // the multi-instance call has its task as element variable; the single call takes the round's one task
            String taskId = (String) call.getVariableLocal(TdeDelegates.TASK_ID);
            if (taskId == null) {
                taskId = (String) call.getVariable("readyTasks");
                call.setVariableLocal(TdeDelegates.TASK_ID, taskId);
            }
            ExternalTaskEntity task =
                    Context.getCommandContext().getExternalTaskManager().findExternalTaskById(taskId);
            passOn(call, TdeDelegates.DOMAIN_INSTANCE, call.getVariable(TdeDelegates.DOMAIN_INSTANCE));
            if (task == null) { // the domain instance was cancelled meanwhile; UpdateTask will find nothing to do
                passOn(call, TdeDelegates.TASK_NAME, "");
                passOn(call, TdeDelegates.TASK_DOCUMENTATION, "");
                passOn(call, TdeDelegates.TASK_INPUT, "{}");
                return;
            }
            BpmnModelInstance model = call.getProcessEngineServices()
                    .getRepositoryService()
                    .getBpmnModelInstance(task.getProcessDefinitionId());
            FlowElement element = model.getModelElementById(task.getActivityId());
            String documentation = element == null
                    ? ""
                    : element.getDocumentations().stream()
                            .map(Documentation::getTextContent)
                            .map(String::strip)
                            .collect(Collectors.joining("\n"));
            // the variables the task sees where it waits; its execution stays cached for completing it
            Map<String, Object> input = inputOf(task.getExecution().getVariables());
            call.setVariableLocal(OUTPUT_MAPPING, property(element, OUTPUT_PROPERTY));
            passOn(call, TdeDelegates.ACTIVITY, task.getActivityId());
            passOn(call, TdeDelegates.PROCESS_KEY, task.getProcessDefinitionKey());
            passOn(
                    call,
                    TdeDelegates.TOOL_POLICY,
                    toolPolicy(model, task.getProcessDefinitionId(), task.getProcessDefinitionKey()));
            passOn(
                    call,
                    TdeDelegates.TASK_NAME,
                    element == null || element.getName() == null ? task.getActivityId() : element.getName());
            passOn(call, TdeDelegates.TASK_DOCUMENTATION, EngineValues.toEngine(documentation));
            passOn(call, TdeDelegates.TASK_INPUT, EngineValues.toEngine(toJson(input)));
            int attempt = task.getRetries() == null ? 1 : settings.maxTaskAttempts() - task.getRetries() + 1;
            passOn(call, TdeDelegates.ATTEMPT, attempt);
            passOn(call, TdeDelegates.STARTED_AT, System.currentTimeMillis());
        }
    }

    /** End of each TDE call: complete the domain task with the TDE's result, or report its failure. */
    static final class UpdateTask implements ExecutionListener {
        private final EngineSettings settings;
        private final InstanceChanges changes;

        UpdateTask(EngineSettings settings, InstanceChanges changes) {
            this.settings = settings;
            this.changes = changes;
        }

        @Override
        public void notify(DelegateExecution call) {
            if (call.isCanceled()) return; // the PDO itself is being cancelled
            String taskId = (String) call.getVariable(TdeDelegates.TASK_ID);
            ExternalTaskService tasks = call.getProcessEngineServices().getExternalTaskService();
            String recorded = EngineValues.text(call.getVariableLocal(TdeDelegates.TASK_RUN));
            TaskRun run = recorded == null ? null : TaskRuns.read(recorded);
            // the run is kept in history as this call's variable: the scope ends in this transaction, so the
            // record costs one history row and no runtime row
            if (recorded != null) call.setVariableLocal(OrchestrationHistory.TASK_RUN, EngineValues.toEngine(recorded));
            changes.touched((String) call.getVariable(TdeDelegates.DOMAIN_INSTANCE));
            try {
                if (run != null && run.completed()) {
                    String mapping = (String) call.getVariableLocal(OUTPUT_MAPPING);
                    tasks.complete(taskId, workerId(call), resultVariables(run.activityId(), run.result(), mapping));
                } else {
                    ExternalTask task = tasks.createExternalTaskQuery()
                            .externalTaskId(taskId)
                            .singleResult();
                    if (task == null) return;
                    int retriesBefore = task.getRetries() == null ? settings.maxTaskAttempts() : task.getRetries();
                    // a failure that another attempt cannot change (the same words give the same arguments) ends at
                    // once
                    boolean retryable =
                            run == null || !Boolean.FALSE.equals(call.getVariableLocal(TdeDelegates.RETRYABLE));
                    int retriesLeft = retryable ? Math.max(0, retriesBefore - 1) : 0;
                    int attempt = settings.maxTaskAttempts() - retriesBefore + 1;
                    long backoff = settings.retryBackoff().toMillis() << Math.min(attempt - 1, 16);
                    String message =
                            run == null || run.error() == null || run.error().isBlank()
                                    ? "the task executor ended without a result"
                                    : run.error();
                    String details = "attempt " + attempt + " of " + settings.maxTaskAttempts()
                            + ", tool: " + (run == null ? null : run.tool())
                            + (retryable ? "" : ", not retried: another attempt " + "would fail the same way") + "\n"
                            + message;
                    tasks.handleFailure(
                            taskId, workerId(call), message, details, retriesLeft, retriesLeft > 0 ? backoff : 0);
                    if (retriesLeft > 0) {
                        // lets "Fetch ready tasks" wait exactly until this retry is due
                        Date due = new Date(System.currentTimeMillis() + backoff);
                        if (!(call.getVariable("retryDueAt") instanceof Date earlier) || due.before(earlier)) {
                            call.getProcessInstance().setVariable("retryDueAt", due);
                        }
                    }
                }
            } catch (ProcessEngineException e) {
                // the domain task is gone (instance cancelled) or no longer ours: nothing to update
                LOG.info("Task {} could not be updated: {}", taskId, e.getMessage());
            }
        }
    }

    /** "Update state": the round is over; each task was completed or failed as its TDE ended. */
    static final class EndOfRound implements JavaDelegate {
        @Override
        public void execute(DelegateExecution pdo) {
            LOG.debug(
                    "EmbeddedEngine {} finished a round for {}",
                    pdo.getProcessInstanceId(),
                    pdo.getVariable(TdeDelegates.DOMAIN_INSTANCE));
        }
    }

    /** The variable a task's result goes to by default: one per task, named after it, e.g. {@code task_1_result}. */
    static String resultVariable(String activityId) {
        return activityId + RESULT_SUFFIX;
    }

    static final String RESULT_SUFFIX = "_result";
    /** The task's extension property that maps its result into named process variables. */
    static final String OUTPUT_PROPERTY = "procos.output";
    /** The call's local variable carrying that mapping from "Prepare" to "Update". */
    static final String OUTPUT_MAPPING = "outputMapping";

    /**
     * A task's result as domain variables: the whole result under {@link #resultVariable}, never over an
     * input; and, where the task's {@value #OUTPUT_PROPERTY} property says so, into named variables:
     * {@code report} puts the whole result into {@code report}, {@code path=savedPath} its field {@code path}
     * into {@code savedPath} (entries separated by commas).
     */
    static Map<String, Object> resultVariables(String activityId, Object result, String mapping) {
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put(resultVariable(activityId), engineValue(result));
        if (mapping != null) {
            for (String entry : mapping.split(",")) {
                String e = entry.strip();
                if (e.isEmpty()) continue;
                int eq = e.indexOf('=');
                if (eq < 0) {
                    variables.put(e, engineValue(result));
                } else if (result instanceof Map<?, ?> fields) {
                    variables.put(
                            e.substring(eq + 1).strip(),
                            engineValue(fields.get(e.substring(0, eq).strip())));
                }
            }
        }
        return variables;
    }

    /** Plain values as they are; maps and lists as JSON text; long text as bytes. */
    private static Object engineValue(Object v) {
        if (v == null || v instanceof Number || v instanceof Boolean) return v;
        if (v instanceof String s) return EngineValues.toEngine(s);
        try {
            return EngineValues.toEngine(JSON.writeValueAsString(v));
        } catch (JsonProcessingException e) {
            return EngineValues.toEngine(String.valueOf(v));
        }
    }

    /** Null when a {@value #OUTPUT_PROPERTY} value is entries of a variable name or field=variable; else what is wrong. */
    static String outputMappingProblem(String mapping) {
        if (mapping == null) return null;
        for (String entry : mapping.split(",")) {
            String e = entry.strip();
            if (!e.isEmpty() && !e.matches("[A-Za-z_][A-Za-z0-9_]*(\\s*=\\s*[A-Za-z_][A-Za-z0-9_]*)?")) {
                return "'" + e + "' in " + OUTPUT_PROPERTY + " is neither a variable name nor field=variable";
            }
        }
        return null;
    }

    static String toJson(Map<String, Object> variables) throws JsonProcessingException {
        Map<String, Object> plain = new LinkedHashMap<>();
        variables.forEach((k, value) -> {
            Object v = EngineValues.fromEngine(value);
            plain.put(
                    k,
                    v == null
                                    || v instanceof Number
                                    || v instanceof Boolean
                                    || v instanceof String
                                    || v instanceof Map
                                    || v instanceof List
                            ? v
                            : v.toString());
        });
        return JSON.writeValueAsString(plain);
    }
}
