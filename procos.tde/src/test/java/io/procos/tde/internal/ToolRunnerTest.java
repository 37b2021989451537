package io.procos.tde.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procos.api.tde.Decision;
import io.procos.api.tde.Planner;
import io.procos.api.tde.TaskDescription;
import io.procos.api.tool.ToolCatalog;
import io.procos.api.tool.ToolConflict;
import io.procos.api.tool.ToolDescriptor;
import io.procos.api.tool.ToolResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Checking and running a decision, with one second look by the planner; the catalogue and planner here are scripted. */
class ToolRunnerTest {

    static final ToolDescriptor WRITE = new ToolDescriptor(
            "file.write",
            "Writes a file.",
            "{\"type\":\"object\",\"required\":[\"path\",\"content\"],\"properties\":{\"path\":{\"type\":\"string\"},\"content\":{\"type\":\"string\"}}}",
            "{}",
            "test",
            "1",
            1,
            0);
    static final TaskDescription TASK = new TaskDescription("Save", "Write 'x' to a.txt", Map.of());

    /** Answers file.write calls: an error for paths starting with "/", else ok. */
    static final class ScriptedCatalog implements ToolCatalog {
        final List<Map<String, Object>> calls = new ArrayList<>();

        public List<ToolDescriptor> tools() {
            return List.of(WRITE);
        }

        public Optional<ToolDescriptor> tool(String name) {
            return WRITE.name().equals(name) ? Optional.of(WRITE) : Optional.empty();
        }

        public List<ToolConflict> conflicts() {
            return List.of();
        }

        public ToolResult invoke(String name, Map<String, Object> input, String taskId, Duration timeout) {
            calls.add(input);
            return String.valueOf(input.get("path")).startsWith("/")
                    ? ToolResult.error("the path is outside the workspace")
                    : ToolResult.ok(Map.of("written", input.get("path")), "written");
        }
    }

    /** Reconsiders with a fixed answer and keeps the problem it was told. */
    static final class ScriptedPlanner implements Planner {
        final Decision answer;
        String problem;

        ScriptedPlanner(Decision answer) {
            this.answer = answer;
        }

        public String name() {
            return "scripted";
        }

        public Decision decide(TaskDescription task, List<ToolDescriptor> tools) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Decision reconsider(
                TaskDescription task, List<ToolDescriptor> tools, Decision rejected, String problem) {
            this.problem = problem;
            return answer;
        }
    }

    static Decision write(Map<String, Object> arguments) {
        return new Decision("file.write", arguments, "deterministic", 0.9, "", "scripted");
    }

    @Test
    void aToolErrorGoesBackToThePlannerOnceWithTheErrorText() {
        ScriptedCatalog catalog = new ScriptedCatalog();
        ScriptedPlanner planner = new ScriptedPlanner(write(Map.of("path", "a.txt", "content", "x")));
        ToolRunner.Outcome outcome = new ToolRunner(catalog, planner, new ArgumentValidator())
                .run(TASK, write(Map.of("path", "/etc/a.txt", "content", "x")), "t1", true);
        assertThat(planner.problem).isEqualTo("file.write failed: the path is outside the workspace");
        assertThat(outcome.result().isError()).isFalse();
        assertThat(outcome.decision().arguments()).containsEntry("path", "a.txt");
        assertThat(outcome.correction()).isEqualTo(planner.problem);
        assertThat(catalog.calls).hasSize(2);
    }

    @Test
    void invalidArgumentsNeverReachTheToolAndASecondFailureFailsTheTask() {
        ScriptedCatalog catalog = new ScriptedCatalog();
        ScriptedPlanner planner = new ScriptedPlanner(write(Map.of("path", "a.txt")));
        assertThatThrownBy(() -> new ToolRunner(catalog, planner, new ArgumentValidator())
                        .run(TASK, write(Map.of("content", "x")), "t1", true))
                .isInstanceOf(ToolRunner.TaskFailed.class)
                .hasMessageContaining("do not match its input schema")
                .hasMessageContaining("the corrected decision failed too");
        assertThat(planner.problem).contains("path");
        assertThat(catalog.calls).isEmpty();
    }

    @Test
    void withoutASecondLookTheFirstErrorFailsTheTask() {
        ScriptedCatalog catalog = new ScriptedCatalog();
        assertThatThrownBy(() -> new ToolRunner(catalog, null, new ArgumentValidator())
                        .run(TASK, write(Map.of("path", "/x", "content", "x")), "t1", true))
                .hasMessage("file.write failed: the path is outside the workspace");
        ScriptedPlanner planner = new ScriptedPlanner(Decision.noTool("nothing better", 0, "scripted"));
        assertThatThrownBy(() -> new ToolRunner(catalog, planner, new ArgumentValidator())
                        .run(TASK, new Decision("mail.send", Map.of(), "deterministic", 1, "", "scripted"), "t1", true))
                .hasMessageContaining("mail.send chosen for this task is not installed")
                .hasMessageContaining("reconsidered: nothing better");
    }
}
