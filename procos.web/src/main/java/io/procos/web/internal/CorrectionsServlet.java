package io.procos.web.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.procos.api.memory.Memory;
import io.procos.api.memory.MemoryItem;
import io.procos.api.process.InstanceView;
import io.procos.api.process.ProcessService;
import io.procos.api.tde.TaskDescription;
import io.procos.api.tde.TaskRun;
import io.procos.api.tool.ToolCatalog;
import io.procos.api.tool.ToolDescriptor;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code POST /api/tde/corrections}: a person says how a task should have been done. The body is
 * {@code {"task": {"name": …, "documentation": …}, "tool": …, "arguments": {…}}}, or {@code {"instanceId": …,
 * "activityId": …, "tool": …, "arguments": {…}}} to correct a task of a process instance (its words are that
 * task's name and documentation). The tool must exist now and the arguments be a JSON object. The correction is
 * remembered as an item of kind {@value #KIND} whose text is the task's text and whose properties are {@code tool}
 * and {@code arguments} (as a JSON string); the task executor recalls it for similar tasks and decides them the
 * corrected way. 201 with {@code {"recorded": true, "task": …, "tool": …, "arguments": …}}.
 */
@ApiOperation(
        method = "POST",
        path = "/api/tde/corrections",
        tag = "decisions",
        summary = "how a task should have been done; similar tasks are then decided that way",
        requestType = "application/json",
        request = Dto.CorrectionRequest.class,
        maxBytes = Limits.JSON_BYTES,
        status = 201,
        errors = {400, 404, 503},
        response = Dto.Correction.class)
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/api/tde/corrections",
            "osgi.http.whiteboard.servlet.name=procos-tde-corrections"
        })
public final class CorrectionsServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    /** The memory kind the task executor recalls corrections by (procos.tde reads exactly this). */
    static final String KIND = "correction";

    static final String USAGE =
            "the body needs {\"task\": {\"name\": \"…\", \"documentation\": \"…\"}, \"tool\": \"…\", "
                    + "\"arguments\": {…}} or {\"instanceId\": \"…\", \"activityId\": \"…\", \"tool\": \"…\", \"arguments\": {…}}";

    /** Not used: required so that this route exists only while the token filter guards it. */
    @Reference
    private transient ApiTokenFilter guard;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Memory memory;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ToolCatalog catalog;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ProcessService processes;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            if (!ProcessesServlet.path(request).isEmpty())
                throw new HttpJson.RequestException(
                        404, "POST /api/tde/corrections records a correction; nothing else is posted here");
            Map<String, Object> body = HttpJson.objectBody(request, Limits.JSON_BYTES);
            HttpJson.write(response, 201, record(body, catalog, memory, processes));
        } catch (HttpJson.RequestException e) {
            HttpJson.error(response, e);
        }
    }

    /** Checks a correction and remembers it; the answer's body. Services may be null (not running): 503. */
    @SuppressWarnings("unchecked")
    static Dto.Correction record(Map<String, Object> body, ToolCatalog catalog, Memory memory, ProcessService processes)
            throws HttpJson.RequestException {
        if (!(body.get("tool") instanceof String tool) || tool.isBlank())
            throw new HttpJson.RequestException(400, "'tool' is missing or not a tool name; " + USAGE);
        if (!(body.get("arguments") instanceof Map<?, ?> given))
            throw new HttpJson.RequestException(
                    400,
                    "'arguments' must be a JSON object (the arguments the tool should have been called with, {} for "
                            + "none), not "
                            + (body.get("arguments") == null ? "missing" : describe(body.get("arguments"))));
        Map<String, Object> arguments = new LinkedHashMap<>((Map<String, Object>) given);
        TaskDescription task = task(body, processes);
        if (task.name().isBlank())
            throw new HttpJson.RequestException(400, "the task has no name: a correction needs the task's words");

        ToolCatalog c = HttpJson.available(catalog, "the tool catalogue");
        List<ToolDescriptor> tools = c.tools();
        if (tools.stream().noneMatch(t -> t.name().equals(tool)))
            throw new HttpJson.RequestException(
                    400,
                    "no tool named '" + tool + "'; the tools there are: "
                            + String.join(
                                    ", ",
                                    tools.stream().map(ToolDescriptor::name).toList()));

        Memory m = HttpJson.available(memory, "memory (procos.memory), where corrections are kept,");
        String json;
        try {
            json = HttpJson.MAPPER
                    .writer()
                    .without(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(arguments);
        } catch (JsonProcessingException e) {
            throw new HttpJson.RequestException(400, "the arguments cannot be written as JSON: " + e.getMessage());
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("tool", tool);
        properties.put("arguments", json);
        if (body.get("instanceId") instanceof String instance) {
            properties.put("instanceId", instance);
            properties.put("activityId", body.get("activityId"));
        }
        MemoryItem saved;
        try {
            saved = m.remember(new MemoryItem(null, KIND, task.text(), properties, List.of(), null));
        } catch (IllegalArgumentException e) {
            throw new HttpJson.RequestException(400, e.getMessage());
        } catch (Memory.MemoryFullException e) {
            throw new HttpJson.RequestException(503, e.getMessage());
        } catch (IllegalStateException e) {
            throw new HttpJson.RequestException(503, "memory cannot keep the correction now: " + e.getMessage());
        }
        return new Dto.Correction(true, saved.id(), saved.text(), tool, arguments);
    }

    /** The task's words: given, or those of a task of a process instance. */
    private static TaskDescription task(Map<String, Object> body, ProcessService processes)
            throws HttpJson.RequestException {
        Object given = body.get("task");
        Object instance = body.get("instanceId");
        if (given != null && (instance != null || body.get("activityId") != null))
            throw new HttpJson.RequestException(
                    400, "give either 'task' or 'instanceId' with 'activityId', not both; " + USAGE);
        if (given != null) {
            if (!(given instanceof Map<?, ?> t) || !(t.get("name") instanceof String name) || name.isBlank()) {
                throw new HttpJson.RequestException(400, "the task needs a name that is not blank; " + USAGE);
            }
            Object doc = t.get("documentation");
            if (doc != null && !(doc instanceof String))
                throw new HttpJson.RequestException(400, "the task's documentation must be text");
            return new TaskDescription(name, (String) doc, Map.of());
        }
        if (!(instance instanceof String instanceId) || instanceId.isBlank())
            throw new HttpJson.RequestException(400, USAGE);
        if (!(body.get("activityId") instanceof String activityId) || activityId.isBlank())
            throw new HttpJson.RequestException(
                    400, "'activityId' names the task of instance " + instanceId + "; " + USAGE);
        ProcessService s = HttpJson.available(processes, "the process engine");
        InstanceView view = s.instance(instanceId)
                .orElseThrow(
                        () -> new HttpJson.RequestException(404, "no process instance with id '" + instanceId + "'"));
        TaskRun run = null;
        for (TaskRun r : view.tasks()) if (activityId.equals(r.activityId())) run = r; // the latest run
        if (run == null)
            throw new HttpJson.RequestException(
                    404,
                    "instance " + instanceId + " has run no task '" + activityId + "'; its tasks: "
                            + String.join(
                                    ", ",
                                    view.tasks().stream()
                                            .map(TaskRun::activityId)
                                            .distinct()
                                            .toList()));
        return new TaskDescription(run.name(), run.documentation(), Map.of());
    }

    private static String describe(Object value) {
        if (value instanceof List) return "an array";
        if (value instanceof String) return "a string";
        if (value instanceof Number) return "a number";
        if (value instanceof Boolean) return "a boolean";
        return String.valueOf(value);
    }
}
