package io.procos.das.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procos.api.llm.LanguageModel;
import io.procos.das.internal.Outline.Choice;
import io.procos.das.internal.Outline.Parallel;
import io.procos.das.internal.Outline.Task;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.ExclusiveGateway;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnEdge;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnShape;
import org.junit.jupiter.api.Test;

class GeneratorTest {

    final OutlineGenerator offline = new OutlineGenerator();

    @Test
    void sentencesAndThenMakeOrderedSteps() {
        Outline o = offline.generate(
                        "Write \"Ship on Friday\" to notes/plan.txt, then read notes/plan.txt. Finally list the files in folder notes.")
                .outline();
        assertThat(o.steps())
                .extracting(s -> ((Task) s).name())
                .containsExactly(
                        "Write \"Ship on Friday\" to notes/plan.txt",
                        "Read notes/plan.txt",
                        "List the files in folder notes");
    }

    @Test
    void numberedListsAndParallelAndConditions() {
        Outline list = offline.generate(
                        "1. Read orders/today.csv\n2. Count the words of \"hello world\"\n3. Save to memory: orders read")
                .outline();
        assertThat(list.steps()).hasSize(3);

        Outline par = offline.generate(
                        "Compute the risk figures and the open positions at the same time, then write the morning note to notes/morning.txt.")
                .outline();
        assertThat(par.steps().get(0)).isInstanceOf(Parallel.class);
        assertThat(((Parallel) par.steps().get(0)).branches())
                .extracting(b -> ((Task) b.get(0)).name())
                .containsExactly("Compute the risk figures", "Compute the open positions");
        assertThat(par.steps().get(1)).isInstanceOf(Task.class);

        Outline choice = offline.generate(
                        "Check the delay of the shipment. If the delay is more than 3 days, book another carrier; otherwise inform the customer.")
                .outline();
        Choice c = (Choice) choice.steps().get(1);
        assertThat(c.branches().get(0).condition()).isEqualTo("${delay > 3}");
        assertThat(((Task) c.otherwise().get(0)).name()).isEqualTo("Inform the customer");
    }

    @Test
    void parallelWithQuotedContent() {
        Outline a = offline.generate(
                        "Write \"red\" to colours/red.txt and write \"blue\" to colours/blue.txt at the same time")
                .outline();
        assertThat(a.steps()).singleElement().isInstanceOf(Parallel.class);
        Outline b = offline.generate(
                        "At the same time write \"north\" to regions/north.txt and write \"south\" to regions/south.txt, then list the files in folder regions")
                .outline();
        assertThat(b.steps()).hasSize(2);
        assertThat(((Parallel) b.steps().get(0)).branches()).hasSize(2);
        Outline c = offline.generate(
                        "Simultaneously write \"a\" to batch/1.txt, write \"b\" to batch/2.txt and write \"c\" to batch/3.txt")
                .outline();
        assertThat(((Parallel) c.steps().get(0)).branches()).hasSize(3);
    }

    @Test
    void aCommandWithContentIsOneStepThatKeepsItAll() {
        Outline o = offline.generate(
                        "save to memory: The Rotterdam warehouse closes at 6 pm on Fridays. Trucks must arrive before 4.")
                .outline();
        assertThat(o.steps()).singleElement().satisfies(s -> {
            assertThat(((Task) s).name()).isEqualTo("Save to memory");
            assertThat(((Task) s).documentation()).endsWith("Trucks must arrive before 4.");
        });
    }

    @Test
    void theBpmnHasDiagramInterchangeExternalTasksAndPassesTheLint() {
        Outline o = offline.generate(
                        "Check the delay of the shipment. If the delay is more than 3 days, book another carrier; otherwise inform the customer. "
                                + "Then update the order and notify the warehouse at the same time.")
                .outline();
        BpmnModelInstance model = new BpmnWriter().write("late", o);
        String xml = BpmnWriter.xml(model);
        BpmnModelInstance read = Bpmn.readModelFromStream(new java.io.ByteArrayInputStream(xml.getBytes()));
        assertThat(Lint.problems(read)).isEmpty();
        assertThat(read.getModelElementsByType(ServiceTask.class)).hasSize(5).allSatisfy(t -> {
            assertThat(t.getCamundaTopic()).isEqualTo("procos.task");
            assertThat(t.getDocumentations()).isNotEmpty();
        });
        assertThat(read.getModelElementsByType(BpmnShape.class))
                .hasSize(read.getModelElementsByType(org.camunda.bpm.model.bpmn.instance.FlowNode.class)
                        .size());
        assertThat(read.getModelElementsByType(BpmnEdge.class))
                .hasSize(read.getModelElementsByType(org.camunda.bpm.model.bpmn.instance.SequenceFlow.class)
                        .size());
        ExclusiveGateway split = read.getModelElementsByType(ExclusiveGateway.class).stream()
                .filter(g -> g.getOutgoing().size() > 1)
                .findFirst()
                .orElseThrow();
        assertThat(split.getDefault()).isNotNull();
        // left to right: everything after the start lies to its right
        double startX = read.getModelElementsByType(BpmnShape.class).stream()
                .filter(s -> s.getBpmnElement().getId().equals("start"))
                .findFirst()
                .orElseThrow()
                .getBounds()
                .getX();
        assertThat(read.getModelElementsByType(BpmnShape.class))
                .allSatisfy(s -> assertThat(s.getBounds().getX()).isGreaterThanOrEqualTo(startX));
    }

    @Test
    void lintNamesWhatIsWrong() {
        BpmnModelInstance model = Bpmn.createExecutableProcess("bad")
                .startEvent("start")
                .serviceTask("t1")
                .name(" ")
                .camundaType("external")
                .camundaTopic("procos.task")
                .parallelGateway("split")
                .serviceTask("t2")
                .name("A")
                .camundaType("external")
                .camundaTopic("procos.task")
                .endEvent("end")
                .moveToNode("split")
                .serviceTask("t3")
                .name("B")
                .done();
        List<String> problems = Lint.problems(model);
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).contains("task t1 has no name"))
                .anySatisfy(p -> assertThat(p).contains("no path from \"B\" (t3) reaches an end"))
                .anySatisfy(p -> assertThat(p).contains("parallel gateways are not balanced"))
                .anySatisfy(p -> assertThat(p).contains("\"B\" (t3) is not a ProcOS task"));
    }

    /** A scripted language model for unit tests: answers what it is given, and keeps the prompts. */
    static final class ScriptedLanguageModel implements LanguageModel {
        final List<String> answers;
        final List<String> prompts = new ArrayList<>();

        ScriptedLanguageModel(String... answers) {
            this.answers = new ArrayList<>(List.of(answers));
        }

        public String name() {
            return "scripted";
        }

        public String chat(String system, String user) {
            prompts.add(system);
            return answers.remove(0);
        }
    }

    @Test
    void aMisbehavingModelsOutlineIsRefusedWithReasons() {
        ScriptedLanguageModel model = new ScriptedLanguageModel(
                "Sure! Here is your process: first read the file, then write it.",
                "{\"name\": \"x\", \"steps\": [{\"task\": \"\"}, {\"parallel\": [[{\"task\": \"A\"}]]}, {\"choice\": [{\"if\": \"the moon is made of cheese and stars\", \"steps\": []}]}, {\"tool\": \"file.read\"}]}",
                "```json\n{\"name\": \"Report\", \"steps\": [{\"task\": \"Read the sales file\", \"documentation\": \"Read sales/2026.csv\"}, {\"choice\": [{\"if\": \"amount is over 1000\", \"steps\": [{\"task\": \"Ask for approval\"}]}, {\"otherwise\": [{\"task\": \"Book it\"}]}]}]}\n```");
        LlmGenerator llm = new LlmGenerator(model, () -> "Examples: {{examples}} Request: {{request}}");
        assertThatThrownBy(() -> llm.generate("read and write", List.of()))
                .hasMessageContaining("the answer holds no JSON object");
        assertThatThrownBy(() -> llm.generate("read and write", List.of("- sample")))
                .isInstanceOfSatisfying(Outline.InvalidOutline.class, e -> assertThat(e.problems)
                        .anySatisfy(p -> assertThat(p).contains("step 1 is a task without a name"))
                        .anySatisfy(p -> assertThat(p).contains("fewer than two branches"))
                        .anySatisfy(p -> assertThat(p).contains("is not one ProcOS can evaluate"))
                        .anySatisfy(p -> assertThat(p).contains("step 4 is neither a task")));
        // the recalled examples and the request reach the model as quoted data, not as instructions
        assertThat(model.prompts.get(1))
                .containsPattern("Examples: <<<DATA-[0-9a-f]{16}\n- sample\nDATA-[0-9a-f]{16}>>> "
                        + "Request: <<<DATA-[0-9a-f]{16}\nread and write\nDATA-[0-9a-f]{16}>>>");
        Outline good = assertDoesNotThrow(() -> llm.generate("report", List.of()));
        assertThat(((Choice) good.steps().get(1)).branches().get(0).condition()).isEqualTo("${amount > 1000}");
    }

    static <T> T assertDoesNotThrow(org.junit.jupiter.api.function.ThrowingSupplier<T> s) {
        return org.junit.jupiter.api.Assertions.assertDoesNotThrow(s);
    }

    @Test
    void anLlmOutlinesExpressionConditionIsParsedIntoTheGrammarOrRefusedWithTheReason() {
        // given a scripted model whose outline carries expression payloads as conditions
        String marker = "/tmp/procos-outline-marker-" + System.nanoTime();
        ScriptedLanguageModel model = new ScriptedLanguageModel(
                "{\"name\": \"x\", \"steps\": [{\"choice\": [{\"if\": \"${''.getClass().forName('java.lang.Runtime').getMethod('getRuntime').invoke(null).exec('touch "
                        + marker + "')}\", \"steps\": [{\"task\": \"A\"}]}, {\"otherwise\": [{\"task\": \"B\"}]}]}]}",
                "{\"name\": \"x\", \"steps\": [{\"choice\": [{\"if\": \"${execution.getProcessEngineServices() != null}\", \"steps\": [{\"task\": \"A\"}]}]}]}",
                "{\"name\": \"x\", \"steps\": [{\"choice\": [{\"if\": \"${amount > 1000 and region == 'EU'}\", \"steps\": [{\"task\": \"A\"}]}]}]}");
        LlmGenerator llm = new LlmGenerator(model, () -> "{{examples}} {{request}}");

        // then the payloads are refused with what is wrong, a grammar condition is kept
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> llm.generate("choose", List.of()))
                    .isInstanceOfSatisfying(Outline.InvalidOutline.class, e -> {
                        System.out.println("outline refused: " + e.problems);
                        assertThat(e.problems).anySatisfy(p -> assertThat(p)
                                .contains("is not one ProcOS can evaluate")
                                .contains("calls nothing"));
                    });
        }
        Outline ok = assertDoesNotThrow(() -> llm.generate("choose", List.of()));
        assertThat(((Choice) ok.steps().get(0)).branches().get(0).condition())
                .isEqualTo("${amount > 1000 and region == 'EU'}");
        assertThat(new java.io.File(marker)).doesNotExist();
    }
}
