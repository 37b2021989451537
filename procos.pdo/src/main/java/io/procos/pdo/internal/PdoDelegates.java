package io.procos.pdo.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procos.api.process.ProcessService;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.variable.Variables;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.db.entitymanager.cache.DbEntityCache;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ExternalTaskEntity;
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

        FetchTasks(EngineSettings settings) {
            this.settings = settings;
        }

        /** The multi-instance collection of "Execute each task": the ids this round locked. */
        public List<String> ids(String readyTasks) {
            return readyTasks == null || readyTasks.isEmpty() ? List.of() : List.of(readyTasks.split(","));
        }

        @Override
        public void execute(DelegateExecution pdo) {
            String domainId = (String) pdo.getVariable("domainInstanceId");
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
                for (ExternalTaskEntity task : context.getExternalTaskManager().findExternalTasksByProcessInstanceId(domainId)) {
                    tasks.put(task.getId(), task);
                }
                for (ExternalTaskEntity task : cache.getEntitiesByType(ExternalTaskEntity.class)) {
                    if (domainId.equals(task.getProcessInstanceId())) tasks.putIfAbsent(task.getId(), task);
                }
                for (ExternalTaskEntity task : tasks.values()) {
                    if (cache.isDeleted(task) || !ProcessService.TASK_TOPIC.equals(task.getTopicName()) || task.isSuspended()
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
        private final Map<String, BpmnModelInstance> models = new ConcurrentHashMap<>();
        private final Map<String, String> policies = new ConcurrentHashMap<>();

        PrepareTask(EngineSettings settings) {
            this.settings = settings;
        }

        /** What the tasks of a definition may use: its procos.tools property, else the configured default. */
        String toolPolicy(BpmnModelInstance model, String definitionId, String processKey) {
            return policies.computeIfAbsent(definitionId, id -> toolPolicy(model, processKey, settings.toolPolicy()).spec());
        }

        static io.procos.api.tool.ToolPolicy toolPolicy(BpmnModelInstance model, String processKey, io.procos.api.tool.ToolPolicy fallback) {
            org.camunda.bpm.model.bpmn.instance.Process process = model.getModelElementById(processKey);
            String spec = null;
            if (process != null && process.getExtensionElements() != null) {
                for (org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty p : process.getExtensionElements().getElementsQuery()
                        .filterByType(org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties.class).list().stream()
                        .flatMap(ps -> ps.getCamundaProperties().stream()).toList()) {
                    if (io.procos.api.tool.ToolPolicy.PROPERTY.equals(p.getCamundaName())) spec = p.getCamundaValue();
                }
            }
            return io.procos.api.tool.ToolPolicy.parse(spec, fallback); // checked by the deployment policy already
        }

        @Override
        public void notify(DelegateExecution call) throws JsonProcessingException {
            // the multi-instance call has its task as element variable; the single call takes the round's one task
            String taskId = (String) call.getVariableLocal("externalTaskId");
            if (taskId == null) {
                taskId = (String) call.getVariable("readyTasks");
                call.setVariableLocal("externalTaskId", taskId);
            }
            ExternalTaskEntity task = Context.getCommandContext().getExternalTaskManager().findExternalTaskById(taskId);
            call.setVariableLocal("domainInstanceId", call.getVariable("domainInstanceId"));
            if (task == null) { // the domain instance was cancelled meanwhile; UpdateTask will find nothing to do
                call.setVariableLocal("taskName", "");
                call.setVariableLocal("taskDocumentation", "");
                call.setVariableLocal("taskInput", "{}");
                return;
            }
            BpmnModelInstance model = models.computeIfAbsent(task.getProcessDefinitionId(),
                    id -> call.getProcessEngineServices().getRepositoryService().getBpmnModelInstance(id));
            FlowElement element = model.getModelElementById(task.getActivityId());
            String documentation = element == null ? "" : element.getDocumentations().stream()
                    .map(Documentation::getTextContent).map(String::strip).collect(Collectors.joining("\n"));
            // the variables the task sees where it waits; its execution stays cached for completing it
            Map<String, Object> input = task.getExecution().getVariables();
            call.setVariableLocal("activityId", task.getActivityId());
            call.setVariableLocal("processKey", task.getProcessDefinitionKey());
            call.setVariableLocal("toolPolicy", toolPolicy(model, task.getProcessDefinitionId(), task.getProcessDefinitionKey()));
            call.setVariableLocal("taskName", element == null || element.getName() == null ? task.getActivityId() : element.getName());
            call.setVariableLocal("taskDocumentation", EngineValues.toEngine(documentation));
            call.setVariableLocal("taskInput", EngineValues.toEngine(toJson(input)));
            int attempt = task.getRetries() == null ? 1 : settings.maxTaskAttempts() - task.getRetries() + 1;
            call.setVariableLocal("attempt", attempt);
            call.setVariableLocal("startedAt", System.currentTimeMillis());
        }
    }

    /** End of each TDE call: complete the domain task with the TDE's result, or report its failure. */
    static final class UpdateTask implements ExecutionListener {
        private final EngineSettings settings;

        UpdateTask(EngineSettings settings) {
            this.settings = settings;
        }

        @Override
        public void notify(DelegateExecution call) {
            if (call.isCanceled()) return; // the PDO itself is being cancelled
            String taskId = (String) call.getVariable("externalTaskId");
            ExternalTaskService tasks = call.getProcessEngineServices().getExternalTaskService();
            String status = EngineValues.text(call.getVariableLocal("status"));
            record(call, taskId, status);
            try {
                if ("COMPLETED".equals(status)) {
                    tasks.complete(taskId, workerId(call), resultVariables(EngineValues.text(call.getVariableLocal("result"))));
                } else {
                    ExternalTask task = tasks.createExternalTaskQuery().externalTaskId(taskId).singleResult();
                    if (task == null) return;
                    int retriesBefore = task.getRetries() == null ? settings.maxTaskAttempts() : task.getRetries();
                    int retriesLeft = Math.max(0, retriesBefore - 1);
                    int attempt = settings.maxTaskAttempts() - retriesBefore + 1;
                    long backoff = settings.retryBackoff().toMillis() << Math.min(attempt - 1, 16);
                    Object error = EngineValues.fromEngine(call.getVariableLocal("error"));
                    String message = error == null || error.toString().isBlank()
                            ? "the task executor ended without a result" : error.toString();
                    String details = "attempt " + attempt + " of " + settings.maxTaskAttempts()
                            + ", tool: " + call.getVariableLocal("tool") + "\n" + message;
                    tasks.handleFailure(taskId, workerId(call), message, details, retriesLeft, retriesLeft > 0 ? backoff : 0);
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

    /**
     * One TDE run, kept in history as the variable {@value OrchestrationHistory#TASK_RUN} of this call's
     * scope: the scope ends in this transaction, so the record costs one history row and no runtime row.
     */
    static void record(DelegateExecution call, String taskId, String status) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("externalTaskId", taskId);
        for (String name : List.of("activityId", "attempt", "tool", "mode", "arguments", "result", "error", "planner",
                "confidence", "correction", "startedAt")) {
            Object v = EngineValues.fromEngine(call.getVariableLocal(name));
            if (v != null) run.put(name, v);
        }
        run.put("status", status == null ? "FAILED" : status);
        run.put("endedAt", System.currentTimeMillis());
        try {
            call.setVariableLocal(OrchestrationHistory.TASK_RUN, EngineValues.toEngine(JSON.writeValueAsString(run)));
        } catch (JsonProcessingException e) {
            LOG.warn("The run of task {} could not be recorded: {}", taskId, e.getMessage());
        }
    }

    /** "Update state": the round is over; each task was completed or failed as its TDE ended. */
    static final class UpdateState implements JavaDelegate {
        @Override
        public void execute(DelegateExecution pdo) {
            LOG.debug("Orchestrator {} finished a round for {}", pdo.getProcessInstanceId(), pdo.getVariable("domainInstanceId"));
        }
    }

    /** A TDE's JSON result becomes domain variables: each top-level field, nested values as JSON text. */
    static Map<String, Object> resultVariables(String resultJson) {
        Map<String, Object> variables = new LinkedHashMap<>();
        if (resultJson == null || resultJson.isBlank()) return variables;
        try {
            JsonNode result = JSON.readTree(resultJson);
            if (!(result instanceof ObjectNode object)) {
                variables.put("result", EngineValues.toEngine(result.isValueNode() ? JSON.treeToValue(result, Object.class) : result.toString()));
                return variables;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode v = field.getValue();
                variables.put(field.getKey(), EngineValues.toEngine(v.isContainerNode() ? v.toString() : JSON.treeToValue(v, Object.class)));
            }
        } catch (JsonProcessingException e) {
            variables.put("result", EngineValues.toEngine(resultJson));
        }
        return variables;
    }

    static String toJson(Map<String, Object> variables) throws JsonProcessingException {
        Map<String, Object> plain = new LinkedHashMap<>();
        variables.forEach((k, value) -> {
            Object v = EngineValues.fromEngine(value);
            plain.put(k, v == null || v instanceof Number || v instanceof Boolean || v instanceof String || v instanceof Map
                    || v instanceof List ? v : v.toString());
        });
        return JSON.writeValueAsString(plain);
    }
}
