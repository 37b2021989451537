package io.procos.tde.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.procos.api.tde.Decision;
import io.procos.api.tde.TaskDescription;
import io.procos.api.testing.Embedders;
import io.procos.api.tool.ToolDescriptor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The offline planner with the real embedding model, on tools described the way tool authors describe them. */
class SemanticPlannerTest {

    static SemanticPlanner planner;

    static final List<ToolDescriptor> TOOLS = List.of(
            tool(
                    "file.write",
                    "Writes text to a file in the workspace. Use it to save a document, a report or notes.",
                    "{\"type\":\"object\",\"required\":[\"path\",\"content\"],\"properties\":{\"path\":{\"type\":\"string\"},\"content\":{\"type\":\"string\"}}}"),
            tool(
                    "docker.run",
                    "Runs a command in a Docker container from an image. Use it for programs that need their own environment.",
                    "{\"type\":\"object\",\"required\":[\"image\",\"command\"],\"properties\":{\"image\":{\"type\":\"string\"},\"command\":{\"type\":\"array\"}}}"),
            tool(
                    "matlab.run",
                    "Runs a MATLAB script. Use it for numeric work: matrices, statistics, engineering calculations.",
                    "{\"type\":\"object\",\"properties\":{\"script\":{\"type\":\"string\"},\"variables\":{\"type\":\"array\"}}}"));

    static ToolDescriptor tool(String name, String description, String schema) {
        return new ToolDescriptor(name, description, schema, null, "test", "1", name.hashCode(), 0);
    }

    @BeforeAll
    static void load() {
        planner = new SemanticPlanner(Embedders.offline(), 0.16);
    }

    @Test
    void theClosestToolIsChosenWithArgumentsFromTheWordsBeforeTheVariables() {
        Decision d = planner.decide(
                new TaskDescription(
                        "Save the meeting notes",
                        "Write \"Ship on Friday\" to notes/meeting.txt",
                        Map.of("path", "old/elsewhere.txt")),
                TOOLS);
        assertThat(d.tool()).isEqualTo("file.write");
        assertThat(d.arguments()).containsEntry("path", "notes/meeting.txt").containsEntry("content", "Ship on Friday");
        assertThat(d.rationale()).contains("file.write is the closest tool");
    }

    @Test
    void variablesFillWhatTheWordsDoNotSay() {
        Decision d = planner.decide(
                new TaskDescription(
                        "Compute the eigenvalues of the stiffness matrix",
                        "",
                        Map.of("script", "e = eig([2 -1; -1 2]);")),
                TOOLS);
        assertThat(d.tool()).isEqualTo("matlab.run");
        assertThat(d.arguments()).containsEntry("script", "e = eig([2 -1; -1 2]);");
    }

    @Test
    void belowTheThresholdNoToolIsChosenAndTheClosestIsNamed() {
        Decision d = planner.decide(
                new TaskDescription("Walk the dog", "Take the dog out for half an hour", Map.of()), TOOLS);
        assertThat(d.tool()).isNull();
        assertThat(d.rationale()).startsWith("no tool fits: the closest is");
        assertThat(planner.decide(new TaskDescription("Anything", "", Map.of()), List.of())
                        .rationale())
                .contains("no tools are installed");
    }

    @Test
    void aMonteCarloEstimateIsProbabilisticAndReturnsWhatTheScriptComputesLast() {
        Decision d = planner.decide(
                new TaskDescription(
                        "Estimate pi by Monte Carlo simulation",
                        "Run `n = 20000; x = rand(n, 1); y = rand(n, 1); pi_estimate = 4 * mean(x .^ 2 + y .^ 2 <= 1);`",
                        Map.of()),
                TOOLS);
        assertThat(d.tool()).isEqualTo("matlab.run");
        assertThat(d.mode()).isEqualTo("probabilistic");
        assertThat(d.arguments()).containsEntry("variables", List.of("pi_estimate"));
        assertThat(planner.decide(
                                new TaskDescription("Save the meeting notes", "Write \"x\" to notes/a.txt", Map.of()),
                                TOOLS)
                        .mode())
                .isEqualTo("deterministic");
    }

    @Test
    void aFailedToolIsSetAsideForTheNextClosestButInvalidArgumentsAreFinal() {
        TaskDescription task = new TaskDescription("Compute the eigenvalues of the stiffness matrix", "", Map.of());
        Decision first = planner.decide(task, TOOLS);
        Decision second = planner.reconsider(task, TOOLS, first, "matlab.run failed: no MATLAB or Octave");
        assertThat(second.tool()).isNotEqualTo("matlab.run");
        Decision invalid = planner.reconsider(
                task,
                TOOLS,
                first,
                "the arguments chosen for matlab.run do not match its input schema: $.script: required");
        assertThat(invalid.tool()).isNull();
    }

    @Test
    void aCorrectionDecidesTheSameRequestAboutOtherThingsTheCorrectedWay() {
        ToolDescriptor list = tool(
                "file.list",
                "Lists the files and folders in a folder of the workspace. Use it to find out which files exist in a folder.",
                "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},\"recursive\":{\"type\":\"boolean\"}}}");
        List<ToolDescriptor> tools = new java.util.ArrayList<>(TOOLS);
        tools.add(list);
        TaskDescription next = new TaskDescription("Show me what is stored in the folder reports", "", Map.of());
        Decision before = planner.decide(next, tools);
        assertThat(before.arguments()).doesNotContainKey("recursive");
        io.procos.api.tde.Precedent correction = new io.procos.api.tde.Precedent(
                "Show me what is stored in the folder dir",
                "file.list",
                Map.of("path", "dir", "recursive", true),
                0.78,
                true);
        Decision after = planner.decide(next, tools, List.of(correction));
        assertThat(after.tool()).isEqualTo("file.list");
        assertThat(after.arguments()).containsEntry("path", "reports").containsEntry("recursive", true);
        assertThat(after.rationale()).contains("as a person corrected the similar task");
        // a different request is not steered by it
        Decision other = planner.decide(
                new TaskDescription(
                        "Save the meeting notes", "Write \"Ship on Friday\" to notes/meeting.txt", Map.of()),
                tools,
                List.of(correction));
        assertThat(other.tool()).isEqualTo("file.write");
    }

    @Test
    void whatOnlyAnLlmCouldWriteIsNoCallAndSaysWhatWouldMakeItWork() {
        Decision d =
                planner.decide(new TaskDescription("Compute the mean of 1, 2, 3 and 4 in MATLAB", "", Map.of()), TOOLS);
        assertThat(d.tool()).isNull();
        assertThat(d.retryable()).isFalse();
        assertThat(d.rationale())
                .contains("matlab.run", "no script", "backticks", "process variable script", "chat model");
        // given the code, it is a call
        Decision given = planner.decide(
                new TaskDescription("Compute the mean of 1, 2, 3 and 4 in MATLAB", "`m = mean([1 2 3 4]);`", Map.of()),
                TOOLS);
        assertThat(given.tool()).isEqualTo("matlab.run");
        assertThat(given.arguments()).containsEntry("script", "m = mean([1 2 3 4]);");
    }

    @Test
    void toolsArriveInTheBackgroundAndAProcessAllowingFewToolsKeepsTheOthersIndexed() throws Exception {
        SemanticPlanner background = new SemanticPlanner(
                Embedders.offline(), SemanticPlanner.DEFAULT_THRESHOLD, java.time.Clock.systemUTC(), true);
        try {
            List<ToolDescriptor> all = new java.util.ArrayList<>();
            for (int i = 0; i < 150; i++) {
                ToolDescriptor d =
                        tool("bulk" + i + ".export", "Exports batch " + i + " of the ledger.", "{\"type\":\"object\"}");
                all.add(d);
                background.addTool(new io.procos.api.tool.Tool() {
                    public String name() {
                        return d.name();
                    }

                    public String description() {
                        return d.description();
                    }

                    public String inputSchema() {
                        return d.inputSchema();
                    }

                    public io.procos.api.tool.ToolResult invoke(
                            Map<String, Object> in, io.procos.api.tool.ToolContext c) {
                        return io.procos.api.tool.ToolResult.ok(Map.of(), "");
                    }
                });
            }
            for (ToolDescriptor t : TOOLS) background.addTool(toolOf(t));
            all.addAll(TOOLS);
            for (long end = System.nanoTime() + 60_000_000_000L;
                    !background.indexState().endsWith("embedded")
                            || background.indexState().contains("still");
                    Thread.sleep(100)) {
                assertThat(System.nanoTime()).as(background.indexState()).isLessThan(end);
            }
            TaskDescription save = new TaskDescription(
                    "Save the meeting notes", "Write \"Ship on Friday\" to notes/meeting.txt", Map.of());
            // a process that allows one tool, then one that allows them all: nothing is waiting to be indexed again
            assertThat(background.decide(save, List.of(TOOLS.get(0))).tool()).isEqualTo("file.write");
            Decision d = background.decide(save, all);
            assertThat(d.tool()).isEqualTo("file.write");
            assertThat(d.rationale()).doesNotContain("still being indexed");
        } finally {
            background.deactivate();
        }
    }

    static io.procos.api.tool.Tool toolOf(ToolDescriptor d) {
        return new io.procos.api.tool.Tool() {
            public String name() {
                return d.name();
            }

            public String description() {
                return d.description();
            }

            public String inputSchema() {
                return d.inputSchema();
            }

            public io.procos.api.tool.ToolResult invoke(Map<String, Object> in, io.procos.api.tool.ToolContext c) {
                return io.procos.api.tool.ToolResult.ok(Map.of(), "");
            }
        };
    }
}
