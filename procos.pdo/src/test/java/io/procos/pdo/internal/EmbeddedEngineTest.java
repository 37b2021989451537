package io.procos.pdo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procos.api.process.InstanceState;
import io.procos.api.process.InstanceView;
import io.procos.api.process.InvalidProcessException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.builder.AbstractFlowNodeBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real engine running pdo.bpmn and tde.bpmn over domain processes, Camunda-style: deploy, drive, assert on history. */
class EmbeddedEngineTest {

    private final ScriptedTde tde = new ScriptedTde();
    private EmbeddedEngine orchestrator;

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        if (orchestrator != null) orchestrator.close();
    }

    private EmbeddedEngine start(EngineSettings settings) {
        orchestrator = new EmbeddedEngine(settings, "test-node", tde.delegates());
        return orchestrator;
    }

    private static EngineSettings memoryDb() {
        return EngineSettings.forDatabase("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    /** A domain process the way DAS writes them: every task an external task on procos.task, described in words. */
    static String sequential(String key, String... tasks) {
        AbstractFlowNodeBuilder<?, ?> flow = Bpmn.createExecutableProcess(key).startEvent();
        for (String task : tasks) {
            flow = flow.serviceTask(task.replace(' ', '_'))
                    .name(task)
                    .camundaType("external")
                    .camundaTopic("procos.task");
        }
        return Bpmn.convertToString(flow.endEvent().done());
    }

    private InstanceView awaitEnd(String id, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        InstanceView view = null;
        while (System.nanoTime() < end) {
            view = orchestrator.processService().instance(id).orElseThrow();
            if (view.state() != InstanceState.ACTIVE) return view;
            Thread.sleep(50);
        }
        throw new AssertionError("instance still active after " + timeout + ": " + view);
    }

    @Test
    void threeSequentialTasksCompleteInOrder() throws Exception {
        // given
        EmbeddedEngine o = start(memoryDb());
        o.processService()
                .deploy("three.bpmn", sequential("three", "Collect the figures", "Check them", "Send the report"));

        // when
        String id = o.processService().start("three", Map.of("customer", "ACME"));
        InstanceView view = awaitEnd(id, Duration.ofSeconds(30));

        // then the instance completed, each task once, in the order of the flow
        assertThat(view.state()).isEqualTo(InstanceState.COMPLETED);
        assertThat(tde.runs)
                .extracting(ScriptedTde.Run::taskName)
                .containsExactly("Collect the figures", "Check them", "Send the report");
        assertThat(view.tasks())
                .extracting(io.procos.api.tde.TaskRun::name)
                .containsExactly("Collect the figures", "Check them", "Send the report");
        assertThat(view.tasks()).allSatisfy(t -> {
            assertThat(t.status()).isEqualTo("COMPLETED");
            assertThat(t.tool()).isEqualTo("test.tool");
            assertThat(t.attempts()).isEqualTo(1);
        });
        // and each TDE's result came back into the domain instance under its own name; the input is untouched
        assertThat(view.variables())
                .containsEntry("Collect_the_figures_result", "{\"done\":\"Collect the figures\"}")
                .containsEntry("Send_the_report_result", "{\"done\":\"Send the report\"}")
                .containsEntry("customer", "ACME");
        // and the orchestrator ends with its domain instance (told so right after the domain's last commit)
        var pdos = o.engine()
                .getRuntimeService()
                .createProcessInstanceQuery()
                .processDefinitionKey(EmbeddedEngine.PDO_KEY);
        for (long end = System.nanoTime() + 10_000_000_000L; pdos.count() > 0 && System.nanoTime() < end; )
            Thread.sleep(20);
        assertThat(pdos.count()).isZero();
    }

    @Test
    void longTextsPassThroughTasksWhole() throws Exception {
        // given a first task that yields 20,000 characters and a second that reads them back from its input
        EmbeddedEngine o = start(memoryDb());
        String report = "0123456789".repeat(2_000);
        tde.behaviours.put("Read the report", (n, in) -> "{\"report\":\"" + report + "\"}");
        java.util.concurrent.atomic.AtomicReference<String> seen = new java.util.concurrent.atomic.AtomicReference<>();
        tde.behaviours.put("Summarise it", (n, in) -> {
            seen.set(in);
            return "{\"summary\":\"short\"}";
        });
        o.processService().deploy("long.bpmn", sequential("long", "Read the report", "Summarise it"));

        // when
        String id = o.processService().start("long", Map.of("note", "x".repeat(5_000)));
        InstanceView view = awaitEnd(id, Duration.ofSeconds(30));

        // then nothing was cut or refused: the engine holds at most 4,000 characters in a text variable
        assertThat(view.state()).isEqualTo(InstanceState.COMPLETED);
        assertThat(view.variables().get("Read_the_report_result")).asString().contains(report);
        assertThat(view.variables().get("note")).isEqualTo("x".repeat(5_000));
        assertThat(seen.get()).contains(report).contains("x".repeat(5_000));
        assertThat(view.tasks())
                .extracting(io.procos.api.tde.TaskRun::result)
                .first()
                .asString()
                .contains(report);
        assertThat(view.tasks()).allSatisfy(t -> {
            assertThat(t.rationale()).isEqualTo("the test decided so");
            assertThat(t.confidence()).isEqualTo(0.75);
        });
    }

    @Test
    void resultsNeverOverwriteInputsAndAnOutputMappingNamesWhereAResultGoes() throws Exception {
        // given three tasks whose results all carry a field "path", the process's own input variable
        EmbeddedEngine o = start(memoryDb());
        tde.behaviours.put("Write the note", (n, in) -> "{\"path\":\"notes/a.txt\",\"size\":5}");
        tde.behaviours.put("Read it back", (n, in) -> "{\"path\":\"notes/a.txt\",\"content\":\"hello\"}");
        tde.behaviours.put("List the folder", (n, in) -> "{\"path\":\"notes\",\"entries\":[\"a.txt\"]}");
        String xml = sequential("three-results", "Write the note", "Read it back", "List the folder")
                .replace("<serviceTask id=\"Read_it_back\"", "<serviceTask id=\"Read_it_back\"")
                .replaceFirst(
                        "(<serviceTask[^>]*id=\"Read_it_back\"[^>]*>)",
                        "$1<extensionElements><camunda:properties>"
                                + "<camunda:property name=\"procos.output\" value=\"content=noteText, readBack\"/></camunda:properties></extensionElements>");
        assertThat(xml).contains("procos.output");
        o.processService().deploy("three-results.bpmn", xml);

        // when
        InstanceView view = awaitEnd(
                o.processService().start("three-results", Map.of("path", "notes/a.txt")), Duration.ofSeconds(30));

        // then the input is what it was, each result is under its own name, and the mapping put what it says where it
        // says
        assertThat(view.state()).isEqualTo(InstanceState.COMPLETED);
        assertThat(view.variables())
                .containsEntry("path", "notes/a.txt")
                .containsEntry("List_the_folder_result", "{\"path\":\"notes\",\"entries\":[\"a.txt\"]}")
                .containsEntry("noteText", "hello")
                .containsEntry("readBack", "{\"path\":\"notes/a.txt\",\"content\":\"hello\"}");
        assertThat(view.variables().get("Write_the_note_result")).asString().contains("\"size\":5");
    }

    @Test
    void fourParallelTasksRunTheirTdesAtTheSameTime() throws Exception {
        // given a parallel gateway of four tasks, each taking half a second
        EmbeddedEngine o = start(memoryDb());
        for (int i = 1; i <= 4; i++) {
            tde.behaviours.put("Part " + i, (n, in) -> {
                Thread.sleep(500);
                return "{}";
            });
        }
        BpmnModelInstance model = Bpmn.createExecutableProcess("fanout")
                .startEvent()
                .parallelGateway("fork")
                .serviceTask("part1")
                .name("Part 1")
                .camundaType("external")
                .camundaTopic("procos.task")
                .parallelGateway("join")
                .moveToNode("fork")
                .serviceTask("part2")
                .name("Part 2")
                .camundaType("external")
                .camundaTopic("procos.task")
                .connectTo("join")
                .moveToNode("fork")
                .serviceTask("part3")
                .name("Part 3")
                .camundaType("external")
                .camundaTopic("procos.task")
                .connectTo("join")
                .moveToNode("fork")
                .serviceTask("part4")
                .name("Part 4")
                .camundaType("external")
                .camundaTopic("procos.task")
                .connectTo("join")
                .moveToNode("join")
                .endEvent()
                .done();
        o.processService().deploy("fanout.bpmn", Bpmn.convertToString(model));

        // when
        String id = o.processService().start("fanout", Map.of());
        InstanceView view = awaitEnd(id, Duration.ofSeconds(30));

        // then four TDEs ran and every two of their time windows overlap
        assertThat(view.state()).isEqualTo(InstanceState.COMPLETED);
        assertThat(tde.runs)
                .as("each task's tool ran once, even where the engine retried a TDE that ended with a sibling")
                .hasSize(4);
        long latestStart =
                tde.runs.stream().mapToLong(ScriptedTde.Run::startNanos).max().orElseThrow();
        long earliestEnd =
                tde.runs.stream().mapToLong(ScriptedTde.Run::endNanos).min().orElseThrow();
        assertThat(latestStart)
                .as("the last TDE started before the first one finished")
                .isLessThan(earliestEnd);
    }

    @Test
    void aFailingTaskIsRetriedThenBecomesAnIncidentWithItsMessage() throws Exception {
        // given a task whose TDE always fails, three attempts with a short backoff
        EmbeddedEngine o = start(memoryDb().withRetry(3, Duration.ofMillis(200)));
        tde.behaviours.put("Copy the file", (n, in) -> {
            throw ScriptedTde.failure("disk full: /data has 0 bytes free");
        });
        o.processService().deploy("copy.bpmn", sequential("copy", "Copy the file", "Announce it"));

        // when
        String id = o.processService().start("copy", Map.of());
        InstanceView view = awaitEnd(id, Duration.ofSeconds(30));

        // then it was tried three times, and now shows as FAILED with an incident carrying the message
        assertThat(view.state()).isEqualTo(InstanceState.FAILED);
        assertThat(tde.runs)
                .extracting(ScriptedTde.Run::taskName)
                .containsExactly("Copy the file", "Copy the file", "Copy the file");
        assertThat(view.incidents()).singleElement().satisfies(i -> {
            assertThat(i.activityId()).isEqualTo("Copy_the_file");
            assertThat(i.message()).contains("disk full: /data has 0 bytes free");
        });
        io.procos.api.tde.TaskRun copy = view.tasks().get(0);
        assertThat(copy.status()).isEqualTo("FAILED");
        assertThat(copy.attempts()).isEqualTo(3);
        assertThat(copy.error()).contains("disk full");
        // and the next task never ran
        assertThat(view.tasks()).hasSize(1);
    }

    @Test
    void invalidBpmnIsRefusedWithTheParsersMessageAndNothingIsDeployed() {
        // given
        EmbeddedEngine o = start(memoryDb());
        long before = o.engine().getRepositoryService().createDeploymentQuery().count();

        // when / then: not XML at all
        assertThatThrownBy(() -> o.processService().deploy("broken.bpmn", "<definitions><process id='x'"))
                .isInstanceOf(InvalidProcessException.class)
                .hasMessageContaining("not valid BPMN 2.0 XML");
        // a flow to an element that does not exist
        String dangling = sequential("dangling", "Do it").replace("targetRef=\"Do_it\"", "targetRef=\"nowhere\"");
        assertThatThrownBy(() -> o.processService().deploy("dangling.bpmn", dangling))
                .isInstanceOf(InvalidProcessException.class)
                .hasMessageContaining("nowhere");
        // the orchestrator's own process ids are reserved
        assertThatThrownBy(() -> o.processService().deploy("mine.bpmn", sequential("procos-pdo", "Take over")))
                .isInstanceOf(InvalidProcessException.class)
                .hasMessageContaining("reserved");

        assertThat(o.engine().getRepositoryService().createDeploymentQuery().count())
                .isEqualTo(before);
        assertThat(o.processService().processes()).isEmpty();
    }

    @Test
    void aProcessStoppedMidwayContinuesAfterTheNextStart() throws Exception {
        // given a file database and a process that waits between its two tasks
        EngineSettings settings = EngineSettings.forDatabase(EngineSettings.h2File(dir.resolve("engine")), "sa", "");
        EmbeddedEngine first = start(settings);
        String bpmn = Bpmn.convertToString(Bpmn.createExecutableProcess("overnight")
                .startEvent()
                .serviceTask("before")
                .name("Before the break")
                .camundaType("external")
                .camundaTopic("procos.task")
                .intermediateCatchEvent("pause")
                .timerWithDuration("PT2S")
                .serviceTask("after")
                .name("After the break")
                .camundaType("external")
                .camundaTopic("procos.task")
                .endEvent()
                .done());
        first.processService().deploy("overnight.bpmn", bpmn);
        String id = first.processService().start("overnight", Map.of());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (tde.runs.isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(tde.runs).extracting(ScriptedTde.Run::taskName).containsExactly("Before the break");

        // when ProcOS stops mid-way and starts again on the same database
        first.close();
        orchestrator = null;
        EmbeddedEngine second = start(settings);

        // then the instance continues where it was and completes
        InstanceView view = awaitEnd(id, Duration.ofSeconds(60));
        assertThat(view.state()).isEqualTo(InstanceState.COMPLETED);
        assertThat(tde.runs)
                .extracting(ScriptedTde.Run::taskName)
                .containsExactly("Before the break", "After the break");
        assertThat(second.processService().instance(id).orElseThrow().tasks())
                .extracting(io.procos.api.tde.TaskRun::status)
                .containsExactly("COMPLETED", "COMPLETED");
    }

    @Test
    void historyOlderThanItsTimeToLiveIsRemoved() throws Exception {
        // given a finished instance of a process that keeps its history no day, and one of a process that keeps
        // it 180 days
        EmbeddedEngine o = start(memoryDb());
        o.processService()
                .deploy(
                        "brief.bpmn",
                        sequential("brief", "Note it")
                                .replaceAll(
                                        "camunda:historyTimeToLive=\"[^\"]*\"", "camunda:historyTimeToLive=\"P0D\""));
        o.processService().deploy("kept.bpmn", sequential("kept", "Keep it"));
        String brief = o.processService().start("brief", Map.of());
        String kept = o.processService().start("kept", Map.of());
        assertThat(awaitEnd(brief, Duration.ofSeconds(30)).state()).isEqualTo(InstanceState.COMPLETED);
        assertThat(awaitEnd(kept, Duration.ofSeconds(30)).state()).isEqualTo(InstanceState.COMPLETED);
        // and the cleanup waits for its window, 01:00-05:00 by default
        var history = o.engine().getHistoryService();
        assertThat(history.findHistoryCleanupJobs()).isNotEmpty();

        // when the cleanup runs (now rather than in the window)
        history.cleanUpHistoryAsync(true);
        for (long end = System.nanoTime() + 30_000_000_000L;
                o.processService().instance(brief).isPresent() && System.nanoTime() < end; ) {
            Thread.sleep(50);
        }

        // then the instance past its time to live is gone, the other one is still there with its task runs
        assertThat(o.processService().instance(brief)).isEmpty();
        InstanceView view = o.processService().instance(kept).orElseThrow();
        assertThat(view.state()).isEqualTo(InstanceState.COMPLETED);
        assertThat(view.tasks()).extracting(io.procos.api.tde.TaskRun::status).containsExactly("COMPLETED");
    }

    @Test
    void aCleanupWindowThatIsNoTimeOfDayIsRefusedWithWhatIsWrong() {
        EngineSettings wrong = memoryDb().withCleanupWindow("1am-5am");
        assertThatThrownBy(() -> start(wrong))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'1am-5am'")
                .hasMessageContaining("HH:mm-HH:mm");
        EngineSettings none = memoryDb().withCleanupWindow("");
        assertThat(start(none).engine().getHistoryService().findHistoryCleanupJobs())
                .isEmpty();
    }
}
