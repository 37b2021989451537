package io.procos.web.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.procos.api.das.Suggestion;
import io.procos.api.llm.Prompt;
import io.procos.api.memory.ErrorCount;
import io.procos.api.memory.MemoryItem;
import io.procos.api.memory.ToolUse;
import io.procos.api.tool.ToolConflict;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The bodies of ProcOS's HTTP interface that are its own (the others are procos.api's records: ProcessInfo,
 * InstanceView, Suggestion): what a client sends and what it reads back, as records that the servlets bind and
 * write, and from which {@link OpenApi} writes the schemas of {@code /api/openapi.json}.
 */
final class Dto {

    private Dto() {}

    /** What a field means in the description, and whether a client must send it. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    @interface Doc {
        String value();

        boolean required() default false;
    }

    // ---- requests ----------------------------------------------------------------------------------------

    /** A task in words. */
    record TaskWords(
            @Doc(value = "the task's name", required = true) String name,
            @Doc("what the task is to do, in words") String documentation) {}

    /** {@code POST /api/tde/decide}. */
    record DecideRequest(
            @Doc(value = "the task to decide", required = true) TaskWords task,
            @Doc("the variables the task would see") Map<String, Object> variables,
            @Doc("a tool policy (allow and deny patterns) instead of the default one") String toolPolicy) {}

    /** {@code POST /api/tde/corrections}: its words ({@code task}), or a task of a run (instance and activity). */
    record CorrectionRequest(
            @Doc("the task's words; or instanceId and activityId") TaskWords task,
            @Doc("a process instance whose task it was") String instanceId,
            @Doc("that task's id in the process") String activityId,
            @Doc(value = "the tool it should have used", required = true) String tool,
            @Doc(value = "the arguments it should have been called with ({} for none)", required = true)
                    Map<String, Object> arguments) {}

    /** {@code POST /api/memory}. */
    record MemoryItemRequest(
            @Doc(value = "what to remember", required = true) String text,
            @Doc("note (the default) or another kind of your own; not correction, nor what ProcOS records itself")
                    String kind,
            @Doc("properties kept with it") Map<String, Object> properties) {}

    /** {@code POST /api/das/*} as JSON (the words alone as text/plain are the same). */
    record Command(
            @Doc(value = "what is to be done, in words", required = true) String text,
            @Doc("variables the process starts with") Map<String, Object> variables) {}

    /** {@code PUT /api/prompts/{name}} as JSON (the text alone as text/plain is the same). */
    record PromptText(@Doc(value = "the template, with the placeholders ProcOS fills", required = true) String text) {}

    // ---- responses ---------------------------------------------------------------------------------------

    /** Every error under {@code /api}. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Error(
            @Doc(value = "what was wrong", required = true) String error,
            @Doc("each problem, where there are several") List<String> problems,
            @Doc("for each problem, the id of the BPMN element it concerns, or null") List<String> elements) {}

    /** An error of {@code /engine-rest}, in Camunda 7's shape. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record CamundaError(
            @Doc(value = "the kind of error, as Camunda names it", required = true) String type,
            @Doc(value = "what was wrong", required = true) String message,
            @Doc("each problem, where there are several") List<String> problems) {}

    /** An instance that was started. */
    record Started(
            @Doc(value = "the process instance", required = true) String id,
            @Doc(value = "the process it runs", required = true) String processKey) {}

    /** The diagram passed every check. */
    record Valid(@Doc(value = "always true (a diagram that fails is a 400)", required = true) boolean valid) {}

    /** How the task executor would do a task now. */
    record Decided(
            @Doc("the tool, or null when none fits (the rationale says why)") String tool,
            @Doc("its arguments") Map<String, Object> arguments,
            @Doc("how it is called") String mode,
            @Doc("how sure the planner is, 0 to 1") double confidence,
            @Doc("why") String rationale,
            @Doc("which planner decided") String planner,
            @Doc("how long deciding took") double millis) {}

    /** A tool called by hand. */
    record ToolCall(
            @Doc(value = "the tool", required = true) String tool,
            @Doc(value = "whether the tool reported an error (the call itself succeeded)", required = true)
                    boolean isError,
            @Doc("its result as text") String text,
            @Doc("its structured result") Object content) {}

    /** Words that became a running process. */
    record CommandStarted(
            @Doc(value = "the process deployed for them", required = true) String processKey,
            @Doc(value = "its instance", required = true) String id,
            @Doc("its BPMN") String bpmn,
            @Doc("how the words were read") String explanation,
            @Doc("which generator wrote it") String generator) {}

    /** A correction that was kept. */
    record Correction(
            @Doc(value = "always true", required = true) boolean recorded,
            @Doc("the memory item that keeps it") String id,
            @Doc("the task's words as kept") String task,
            @Doc("the tool") String tool,
            @Doc("its arguments") Map<String, Object> arguments) {}

    /** {@code POST /api/memory}: the item as kept, and how many writes wait for the stores. */
    record Remembered(
            @Doc(value = "its id", required = true) String id,
            @Doc(value = "its kind", required = true) String kind,
            @Doc(value = "its text", required = true) String text,
            @Doc("when it was kept") Instant createdAt,
            @Doc("its properties") Map<String, Object> properties,
            @Doc(value = "writes waiting for the stores, this one included until it is written", required = true)
                    long backlog) {

        static Remembered of(MemoryItem i, long backlog) {
            return new Remembered(i.id(), i.kind(), i.text(), i.createdAt(), i.properties(), backlog);
        }
    }

    /** One hit by meaning. */
    record Hit(
            @Doc(value = "its id", required = true) String id,
            @Doc(value = "its kind", required = true) String kind,
            @Doc(value = "its text", required = true) String text,
            @Doc("when it was kept") Instant createdAt,
            @Doc("its properties") Map<String, Object> properties,
            @Doc(value = "how close in meaning, 0 to 1", required = true) double score) {}

    /** Hits by meaning. */
    record Hits(
            @Doc(value = "the words asked", required = true) String query,
            @Doc(value = "the nearest first", required = true) List<Hit> hits) {}

    /** A tool as {@code /api/tools} shows it: procos.api's ToolDescriptor with its schemas as JSON. */
    record Tool(
            @Doc(value = "its name, which the planner and processes use", required = true) String name,
            @Doc("what it does") String description,
            @Doc("the JSON Schema of its input") Object inputSchema,
            @Doc("the JSON Schema of its output") Object outputSchema,
            @Doc("the bundle that provides it") String bundle,
            @Doc("that bundle's version") String bundleVersion,
            @Doc("its OSGi service id") long serviceId,
            @Doc("its service.ranking: the highest wins a name several claim") int ranking,
            @Doc("what it can reach (files, network, processes); empty: it computes from its input only")
                    List<String> reach) {}

    /** {@code GET /api/tools}. */
    record Tools(
            @Doc(value = "every tool", required = true) List<Tool> tools,
            @Doc(value = "names several services claim, and which one wins", required = true)
                    List<ToolConflict> conflicts) {}

    /** {@code GET /api/memory/tools}. */
    record ToolUses(
            @Doc(value = "each tool tasks like this used, and how it did", required = true) List<ToolUse> tools) {}

    /** {@code GET /api/memory/errors}. */
    record ErrorCounts(
            @Doc(value = "each error that followed the tool, and how often", required = true)
                    List<ErrorCount> errors) {}

    /** {@code GET /api/prompts}. */
    record Prompts(@Doc(value = "every prompt template", required = true) List<Prompt> prompts) {}

    /** What memory suggests for a process. */
    record Suggestions(
            @Doc(value = "the process", required = true) String processKey,
            @Doc(value = "each with its evidence", required = true) List<Suggestion> suggestions) {}
}
