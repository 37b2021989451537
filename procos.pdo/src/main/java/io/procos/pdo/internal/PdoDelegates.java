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
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.db.entitymanager.cache.DbEntityCache;
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
            ExternalTaskService tasks = pdo.getProcessEngineServices().getExternalTaskService();
            boolean ended = pdo.getProcessEngineServices().getRuntimeService().createProcessInstanceQuery()
                    .processInstanceId(domainId).count() == 0;
            List<String> ready = new ArrayList<>();
            if (!ended) {
                for (ExternalTask task : tasks.createExternalTaskQuery().processInstanceId(domainId)
                        .topicName(ProcessService.TASK_TOPIC).notLocked().withRetriesLeft().active()
                        .listPage(0, settings.maxTasksPerFetch())) {
                    tasks.lock(task.getId(), workerId(pdo), settings.taskLock().toMillis());
                    ready.add(task.getId());
                }
                // Tasks created by this very transaction (the TDE that just ended let the domain instance move
                // on) are not in the database yet, so no query sees them: take them from the engine's cache.
                // Without this the orchestrator would wait for the notification of a task it already holds.
                DbEntityCache cache = Context.getCommandContext().getDbEntityManager().getDbEntityCache();
                for (ExternalTaskEntity task : cache.getEntitiesByType(ExternalTaskEntity.class)) {
                    if (cache.isTransient(task) && domainId.equals(task.getProcessInstanceId())
                            && ProcessService.TASK_TOPIC.equals(task.getTopicName()) && task.getLockExpirationTime() == null
                            && !task.isSuspended() && !ready.contains(task.getId()) && ready.size() < settings.maxTasksPerFetch()) {
                        task.lock(workerId(pdo), settings.taskLock().toMillis());
                        ready.add(task.getId());
                    }
                }
            }
            long now = System.currentTimeMillis();
            long wakeAt = now + settings.safetyNet().toMillis();
            // a retry this orchestrator scheduled in the transaction that brought it here (not yet visible to queries)
            if (pdo.getVariable("retryDueAt") instanceof Date due) {
                if (due.getTime() > now) wakeAt = Math.min(wakeAt, due.getTime());
                else pdo.removeVariable("retryDueAt");
            }
            if (!ended && ready.isEmpty()) {
                // a task waiting out its retry backoff is locked until its next attempt is due
                for (ExternalTask waiting : tasks.createExternalTaskQuery().processInstanceId(domainId)
                        .topicName(ProcessService.TASK_TOPIC).locked().list()) {
                    if (waiting.getRetries() != null && waiting.getRetries() > 0 && waiting.getLockExpirationTime() != null) {
                        wakeAt = Math.min(wakeAt, waiting.getLockExpirationTime().getTime() + 50);
                    }
                }
            }
            pdo.setVariable("domainEnded", ended);
            // plain text, not a serialized list: this variable is written on every round
            pdo.setVariable("readyTasks", String.join(",", ready));
            pdo.setVariable("wakeAt", new Date(Math.max(wakeAt, now + 50)));
        }
    }

    /** Start of each TDE call: tell the TDE what its task says (name, documentation, variables). */
    static final class PrepareTask implements ExecutionListener {
        private final EngineSettings settings;
        private final Map<String, BpmnModelInstance> models = new ConcurrentHashMap<>();

        PrepareTask(EngineSettings settings) {
            this.settings = settings;
        }

        @Override
        public void notify(DelegateExecution call) throws JsonProcessingException {
            String taskId = (String) call.getVariable("externalTaskId");
            ExternalTask task = call.getProcessEngineServices().getExternalTaskService().createExternalTaskQuery()
                    .externalTaskId(taskId).singleResult();
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
            Map<String, Object> input = call.getProcessEngineServices().getRuntimeService()
                    .getVariables(task.getExecutionId());
            call.setVariableLocal("activityId", task.getActivityId());
            call.setVariableLocal("processKey", task.getProcessDefinitionKey());
            call.setVariableLocal("taskName", element == null || element.getName() == null ? task.getActivityId() : element.getName());
            call.setVariableLocal("taskDocumentation", documentation);
            call.setVariableLocal("taskInput", toJson(input));
            int attempt = task.getRetries() == null ? 1 : settings.maxTaskAttempts() - task.getRetries() + 1;
            call.setVariableLocal("attempt", attempt);
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
            String status = (String) call.getVariableLocal("status");
            try {
                if ("COMPLETED".equals(status)) {
                    tasks.complete(taskId, workerId(call), resultVariables((String) call.getVariableLocal("result")));
                } else {
                    ExternalTask task = tasks.createExternalTaskQuery().externalTaskId(taskId).singleResult();
                    if (task == null) return;
                    int retriesBefore = task.getRetries() == null ? settings.maxTaskAttempts() : task.getRetries();
                    int retriesLeft = Math.max(0, retriesBefore - 1);
                    int attempt = settings.maxTaskAttempts() - retriesBefore + 1;
                    long backoff = settings.retryBackoff().toMillis() << Math.min(attempt - 1, 16);
                    Object error = call.getVariableLocal("error");
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

    /** "Update state": count the round; the batch's tasks were updated one by one. */
    static final class UpdateState implements JavaDelegate {
        @Override
        public void execute(DelegateExecution pdo) {
            Object rounds = pdo.getVariable("rounds");
            pdo.setVariable("rounds", rounds instanceof Integer n ? n + 1 : 1);
        }
    }

    /** A TDE's JSON result becomes domain variables: each top-level field, nested values as JSON text. */
    static Map<String, Object> resultVariables(String resultJson) {
        Map<String, Object> variables = new LinkedHashMap<>();
        if (resultJson == null || resultJson.isBlank()) return variables;
        try {
            JsonNode result = JSON.readTree(resultJson);
            if (!(result instanceof ObjectNode object)) {
                variables.put("result", result.isValueNode() ? JSON.treeToValue(result, Object.class) : result.toString());
                return variables;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode v = field.getValue();
                variables.put(field.getKey(), v.isContainerNode() ? v.toString() : JSON.treeToValue(v, Object.class));
            }
        } catch (JsonProcessingException e) {
            variables.put("result", resultJson);
        }
        return variables;
    }

    static String toJson(Map<String, Object> variables) throws JsonProcessingException {
        Map<String, Object> plain = new LinkedHashMap<>();
        variables.forEach((k, v) -> plain.put(k, v == null || v instanceof Number || v instanceof Boolean
                || v instanceof String || v instanceof Map || v instanceof List ? v : v.toString()));
        return JSON.writeValueAsString(plain);
    }
}
