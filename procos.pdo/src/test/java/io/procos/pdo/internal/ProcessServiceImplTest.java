package io.procos.pdo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procos.api.process.InvalidProcessException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.camunda.bpm.engine.ProcessEngineException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the process service refuses before the engine sees it, because the engine could not keep it. */
class ProcessServiceImplTest {

    private final ScriptedTde tde = new ScriptedTde();
    private EmbeddedEngine orchestrator;

    @AfterEach
    void close() {
        if (orchestrator != null) orchestrator.close();
    }

    private EmbeddedEngine engine() {
        orchestrator = new EmbeddedEngine(
                EngineSettings.forDatabase("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", ""),
                "test-node",
                tde.delegates());
        return orchestrator;
    }

    @Test
    void aVariableNameLongerThanItsColumnIsRefusedAndNothingStarts() throws Exception {
        // given a deployed process, and a name the engine's variable column cannot hold
        EmbeddedEngine o = engine();
        o.processService().deploy("kept.bpmn", EmbeddedEngineTest.sequential("kept", "Keep it"));
        String name = "v".repeat(300);
        assertThatThrownBy(() -> o.engine().getRuntimeService().startProcessInstanceByKey("kept", Map.of(name, 1)))
                .as("the engine itself fails the transaction")
                .isInstanceOf(ProcessEngineException.class);

        // when the process is started with it
        // then it is refused with the reason, and no instance exists
        assertThatThrownBy(() -> o.processService().start("kept", Map.of(name, 1, "month", "May")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is 300 characters long, at most 255 are kept");
        assertThat(o.processService().instances(null, 10)).isEmpty();
        // and a name of 255 characters is kept
        String id = o.processService().start("kept", Map.of("w".repeat(255), 1));
        assertThat(o.processService().instance(id).orElseThrow().variables()).containsKey("w".repeat(255));
    }

    @Test
    void bpmnNestedThousandsDeepIsRefusedAtOnce() {
        // given 100,000 nested sub-processes: minutes for the schema validation, a stack overflow for the policy
        StringBuilder xml = new StringBuilder("<?xml version='1.0'?><definitions "
                + "xmlns='http://www.omg.org/spec/BPMN/20100524/MODEL' targetNamespace='t'>"
                + "<process id='deep' isExecutable='true'>");
        int depth = 100_000;
        for (int i = 0; i < depth; i++)
            xml.append("<subProcess id='s").append(i).append("'>");
        xml.append("</subProcess>".repeat(depth)).append("</process></definitions>");
        EmbeddedEngine o = engine();

        // when it is deployed, then it is refused within a second or two, saying why
        long start = System.nanoTime();
        assertThatThrownBy(() -> o.processService().deploy("deep.bpmn", xml.toString()))
                .isInstanceOf(InvalidProcessException.class)
                .hasMessageContaining("nests elements more than 200 deep");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(o.processService().processes()).isEmpty();
    }

    @Test
    void idsNamesAndFileNamesLongerThanTheirColumnsAreRefused() {
        EmbeddedEngine o = engine();
        String longTask = EmbeddedEngineTest.sequential("named", "n".repeat(300));
        assertThatThrownBy(() -> o.processService().deploy("named.bpmn", longTask))
                .isInstanceOf(InvalidProcessException.class)
                .hasMessageContaining("the id of serviceTask is 300 characters long")
                .hasMessageContaining("the name of serviceTask is 300 characters long");
        String longKey = EmbeddedEngineTest.sequential("k".repeat(256), "Do it");
        assertThatThrownBy(() -> o.processService().deploy("key.bpmn", longKey))
                .isInstanceOf(InvalidProcessException.class)
                .hasMessageContaining("the id of process is 256 characters long");
        String fine = EmbeddedEngineTest.sequential("fine", "Do it");
        assertThatThrownBy(() -> o.processService().deploy("f".repeat(300), fine))
                .isInstanceOf(InvalidProcessException.class)
                .hasMessageContaining("the file name is 305 characters long");
        assertThat(o.processService().processes()).isEmpty();
    }
}
