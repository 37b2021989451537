package io.procos.tde.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procos.api.tde.Decision;
import io.procos.api.tde.Planner;
import io.procos.api.tde.TaskDescription;
import io.procos.api.tool.ToolCatalog;
import io.procos.api.tool.ToolDescriptor;
import io.procos.api.tool.ToolResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The steps of {@code tde.bpmn}, contributed as delegate services by name. Decide asks the best
 * planner there is now (an LLM planner when configured, else the offline one) which of the tools that
 * exist now does the task; Execute invokes it through the catalogue; Log records the outcome. Every
 * failure (no planner yet, no tool fits, a tool error) becomes the BPMN error {@value #TASK_FAILED}, so
 * the orchestrator retries the task and, in the end, raises an incident carrying the reason.
 */
final class TaskExecutorSteps {

    static final String TASK_FAILED = "procos.taskFailed";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TOOL_TIMEOUT = Duration.ofMinutes(10);

    private TaskExecutorSteps() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object json) {
        if (json == null || json.toString().isBlank()) return Map.of();
        try {
            return JSON.readValue(json.toString(), Map.class);
        } catch (JsonProcessingException e) {
            throw new BpmnError(TASK_FAILED, "not a JSON object: " + e.getOriginalMessage());
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new BpmnError(TASK_FAILED, "cannot write JSON: " + e.getOriginalMessage());
        }
    }

    @Component(service = JavaDelegate.class, property = "procos.delegate.name=procosTdeDecide")
    public static final class Decide implements JavaDelegate {

        @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
                policyOption = ReferencePolicyOption.GREEDY)
        private volatile Planner planner;

        @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
        private volatile ToolCatalog catalog;

        @Override
        public void execute(DelegateExecution tde) {
            Planner p = planner;
            ToolCatalog c = catalog;
            if (p == null || c == null) {
                throw new BpmnError(TASK_FAILED, "no planner is available yet (the embedding model may still be loading); the task will be retried");
            }
            TaskDescription task = new TaskDescription((String) tde.getVariable("taskName"),
                    (String) tde.getVariable("taskDocumentation"), object(tde.getVariable("taskInput")));
            Decision d = p.decide(task, c.tools());
            tde.setVariable("tool", d.tool());
            tde.setVariable("arguments", json(d.arguments()));
            tde.setVariable("mode", d.mode());
            tde.setVariable("confidence", d.confidence());
            tde.setVariable("rationale", d.rationale());
            tde.setVariable("planner", d.planner());
            if (d.tool() == null) throw new BpmnError(TASK_FAILED, d.rationale());
        }
    }

    @Component(service = JavaDelegate.class, property = "procos.delegate.name=procosTdeExecute")
    public static final class Execute implements JavaDelegate {

        @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
        private volatile ToolCatalog catalog;

        private final ArgumentValidator validator = new ArgumentValidator();

        @Override
        public void execute(DelegateExecution tde) {
            ToolCatalog c = catalog;
            String tool = (String) tde.getVariable("tool");
            if (c == null) throw new BpmnError(TASK_FAILED, "the tool catalogue is not available");
            // checked now, not at decision time: the tool may have gone, or changed its schema, since
            ToolDescriptor descriptor = c.tool(tool).orElseThrow(() -> new BpmnError(TASK_FAILED,
                    "the tool " + tool + " chosen for this task is not installed (any more)"));
            Map<String, Object> arguments = object(tde.getVariable("arguments"));
            List<String> problems = validator.problems(descriptor, arguments);
            if (!problems.isEmpty()) {
                throw new BpmnError(TASK_FAILED, "the arguments chosen for " + tool + " do not match its input schema: "
                        + String.join("; ", problems));
            }
            ToolResult result = c.invoke(tool, arguments, String.valueOf(tde.getVariable("externalTaskId")), TOOL_TIMEOUT);
            tde.setVariable("result", json(result.content()));
            tde.setVariable("resultText", result.text());
            if (result.isError()) throw new BpmnError(TASK_FAILED, tool + ": " + result.text());
        }
    }

    @Component(service = JavaDelegate.class, property = "procos.delegate.name=procosTdeLog")
    public static final class Log implements JavaDelegate {
        @Override
        public void execute(DelegateExecution tde) {
            tde.setVariable("status", tde.getVariable("error") == null ? "COMPLETED" : "FAILED");
        }
    }
}
