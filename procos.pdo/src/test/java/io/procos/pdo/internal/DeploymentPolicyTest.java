package io.procos.pdo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procos.api.process.InstanceState;
import io.procos.api.process.InstanceView;
import io.procos.api.process.InvalidProcessException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment policy on the real engine: every way BPMN can carry code is refused with the element
 * and the rule, nothing is deployed, and the known expression payloads as conditions are refused or
 * inert (the marker file each would create does not exist).
 */
class DeploymentPolicyTest {

    private final ScriptedTde tde = new ScriptedTde();
    private EmbeddedEngine orchestrator;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        orchestrator = new EmbeddedEngine(
                EngineSettings.forDatabase("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", ""),
                "test-node",
                tde.delegates());
    }

    @AfterEach
    void close() {
        orchestrator.close();
    }

    private static final String HEAD =
            """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="http://procos.io/test">
          <bpmn:process id="%s" isExecutable="true">
            <bpmn:startEvent id="start"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="%s"/>
        """;
    private static final String TAIL =
            """
            <bpmn:sequenceFlow id="f2" sourceRef="%s" targetRef="end"/>
            <bpmn:endEvent id="end"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    private static String process(String key, String elementId, String element) {
        return HEAD.formatted(key, elementId) + element + TAIL.formatted(elementId);
    }

    private String touch(String marker) {
        return dir.resolve(marker).toString();
    }

    private Map<String, String> uploads() {
        Map<String, String> p = new LinkedHashMap<>();
        String exec = "java.lang.Runtime.getRuntime().exec(['touch','" + touch("script") + "'] as String[])";
        p.put(
                "script task (juel)",
                process(
                        "s1",
                        "evil",
                        "<bpmn:scriptTask id=\"evil\" scriptFormat=\"juel\"><bpmn:script>${''.getClass().forName('java.lang.Runtime')}</bpmn:script></bpmn:scriptTask>"));
        p.put(
                "script task (groovy)",
                process(
                        "s2",
                        "evil",
                        "<bpmn:scriptTask id=\"evil\" scriptFormat=\"groovy\"><bpmn:script>" + exec
                                + "</bpmn:script></bpmn:scriptTask>"));
        p.put(
                "script task (javascript)",
                process(
                        "s3",
                        "evil",
                        "<bpmn:scriptTask id=\"evil\" scriptFormat=\"javascript\"><bpmn:script>java.lang.Runtime.getRuntime().exec('touch "
                                + touch("js") + "')</bpmn:script></bpmn:scriptTask>"));
        p.put(
                "camunda:class",
                process("s4", "evil", "<bpmn:serviceTask id=\"evil\" camunda:class=\"java.lang.Runtime\"/>"));
        p.put(
                "camunda:expression",
                process(
                        "s5",
                        "evil",
                        "<bpmn:serviceTask id=\"evil\" camunda:expression=\"${''.getClass().forName('java.lang.Runtime').getMethod('getRuntime').invoke(null).exec('touch "
                                + touch("expr") + "')}\"/>"));
        p.put(
                "delegateExpression of ProcOS's own delegate",
                process(
                        "s6",
                        "evil",
                        "<bpmn:serviceTask id=\"evil\" camunda:delegateExpression=\"${procosTdeExecute}\"/>"));
        p.put(
                "execution listener",
                process(
                        "s7",
                        "evil",
                        "<bpmn:serviceTask id=\"evil\" camunda:type=\"external\" camunda:topic=\"procos.task\"><bpmn:extensionElements><camunda:executionListener event=\"start\" expression=\"${execution.getProcessEngineServices()}\"/></bpmn:extensionElements></bpmn:serviceTask>"));
        p.put(
                "task listener",
                process(
                        "s8",
                        "evil",
                        "<bpmn:userTask id=\"evil\"><bpmn:extensionElements><camunda:taskListener event=\"create\" class=\"java.lang.Object\"/></bpmn:extensionElements></bpmn:userTask>"));
        p.put(
                "input/output script",
                process(
                        "s9",
                        "evil",
                        "<bpmn:serviceTask id=\"evil\" camunda:type=\"external\" camunda:topic=\"procos.task\"><bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name=\"x\"><camunda:script scriptFormat=\"groovy\">"
                                + exec
                                + "</camunda:script></camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>"));
        p.put(
                "input parameter expression",
                process(
                        "s10",
                        "evil",
                        "<bpmn:serviceTask id=\"evil\" camunda:type=\"external\" camunda:topic=\"procos.task\"><bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name=\"x\">${execution.processEngineServices}</camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>"));
        p.put(
                "timer expression",
                process(
                        "s11",
                        "evil",
                        "<bpmn:intermediateCatchEvent id=\"evil\"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type=\"bpmn:tFormalExpression\">${''.getClass()}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"));
        p.put(
                "external task topic expression",
                process(
                        "s12",
                        "evil",
                        "<bpmn:serviceTask id=\"evil\" camunda:type=\"external\" camunda:topic=\"${''.getClass()}\"/>"));
        p.put(
                "script in another namespace inside an input parameter (feel)",
                process(
                        "s14",
                        "evil",
                        "<bpmn:serviceTask id=\"evil\" camunda:type=\"external\" camunda:topic=\"procos.task\"><bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name=\"x\"><s:script xmlns:s=\"urn:x\" scriptFormat=\"feel\">execution</s:script></camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>"));
        p.put(
                "script without namespace loading the upload itself as JUEL",
                process(
                        "s15",
                        "evil",
                        "<bpmn:serviceTask id=\"evil\" camunda:type=\"external\" camunda:topic=\"procos.task\"><bpmn:documentation>${''.getClass().forName('java.lang.Runtime')}</bpmn:documentation><bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name=\"x\"><script xmlns=\"\" scriptFormat=\"juel\" resource=\"deployment://evil.bpmn\"/></camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>"));
        p.put(
                "call activity to ProcOS's executor",
                process("s13", "evil", "<bpmn:callActivity id=\"evil\" calledElement=\"procos-tde\"/>"));
        return p;
    }

    @Test
    void everyWayToCarryCodeIsRefusedNamingTheElementAndNothingIsDeployed() {
        for (Map.Entry<String, String> upload : uploads().entrySet()) {
            System.out.println("upload: " + upload.getKey());
            // when / then
            assertThatThrownBy(() -> orchestrator.processService().deploy("evil.bpmn", upload.getValue()))
                    .as(upload.getKey())
                    .isInstanceOf(InvalidProcessException.class)
                    .satisfies(e -> {
                        System.out.println("  refused: " + e.getMessage());
                        assertThat(e.getMessage()).contains("'evil'");
                    });
            assertThatThrownBy(() -> orchestrator.processService().validate("evil.bpmn", upload.getValue()))
                    .as("validate " + upload.getKey())
                    .isInstanceOf(InvalidProcessException.class);
        }
        // then nothing of it was deployed and nothing ran
        assertThat(orchestrator.processService().processes()).isEmpty();
        assertThat(dir).isEmptyDirectory();
    }

    private static String choice(String key, String condition) {
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="http://procos.io/test">
              <bpmn:process id="%s" isExecutable="true">
                <bpmn:startEvent id="start"/>
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split"/>
                <bpmn:exclusiveGateway id="split" default="otherwise"/>
                <bpmn:sequenceFlow id="big" sourceRef="split" targetRef="approve">
                  <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"><![CDATA[%s]]></bpmn:conditionExpression>
                </bpmn:sequenceFlow>
                <bpmn:sequenceFlow id="otherwise" sourceRef="split" targetRef="archive"/>
                <bpmn:serviceTask id="approve" name="Approve it" camunda:type="external" camunda:topic="procos.task"/>
                <bpmn:serviceTask id="archive" name="Archive it" camunda:type="external" camunda:topic="procos.task"/>
                <bpmn:sequenceFlow id="f2" sourceRef="approve" targetRef="join"/>
                <bpmn:sequenceFlow id="f3" sourceRef="archive" targetRef="join"/>
                <bpmn:exclusiveGateway id="join"/>
                <bpmn:sequenceFlow id="f4" sourceRef="join" targetRef="end"/>
                <bpmn:endEvent id="end"/>
              </bpmn:process>
            </bpmn:definitions>
            """
                .formatted(key, condition);
    }

    @Test
    void knownExpressionPayloadsAsConditionsAreRefusedAndCreateNoMarker() {
        String marker = touch("marker");
        String[] payloads = {
            "${''.getClass().forName('java.lang.Runtime').getMethod('getRuntime').invoke(null).exec('touch " + marker
                    + "') != null}",
            "${execution.getProcessEngineServices().getRuntimeService() != null}",
            "${execution.processEngineServices != null}",
            "${procosPdoFetch.ids(readyTasks) != null}",
            "${'abc'.concat('x') == 'abcx'}",
            "${amount > 1000 && ''.getClass() != null}",
        };
        for (String payload : payloads) {
            System.out.println("condition: " + payload);
            assertThatThrownBy(() -> orchestrator.processService().deploy("c.bpmn", choice("c", payload)))
                    .isInstanceOf(InvalidProcessException.class)
                    .satisfies(e -> {
                        System.out.println("  refused: " + e.getMessage());
                        assertThat(e.getMessage()).contains("'big'");
                    });
        }
        assertThat(orchestrator.processService().processes()).isEmpty();
        assertThat(Files.exists(Path.of(marker))).isFalse();
    }

    @Test
    void aGrammarConditionChoosesItsBranchByVariablesAndAVariableNotSetTakesTheOtherwiseBranch() throws Exception {
        // given
        orchestrator.processService().deploy("c.bpmn", choice("c", "${amount > 1000 and region == 'EU'}"));

        // when
        String big = orchestrator.processService().start("c", Map.of("amount", 1500, "region", "EU"));
        String small = orchestrator.processService().start("c", Map.of("amount", 10, "region", "EU"));
        String unset = orchestrator.processService().start("c", Map.of());

        // then
        assertThat(tasks(awaitEnd(big))).containsExactly("Approve it");
        assertThat(tasks(awaitEnd(small))).containsExactly("Archive it");
        assertThat(tasks(awaitEnd(unset))).containsExactly("Archive it");
    }

    @Test
    void aVariableHoldingAnExpressionIsCompared_neverEvaluated() throws Exception {
        // given a condition over a variable whose value is an expression payload
        String marker = touch("from-variable");
        orchestrator.processService().deploy("c.bpmn", choice("c", "${region == 'EU'}"));

        // when
        String id = orchestrator
                .processService()
                .start(
                        "c",
                        Map.of(
                                "region",
                                "${''.getClass().forName('java.lang.Runtime').getMethod('getRuntime').invoke(null).exec('touch "
                                        + marker + "')}"));

        // then it is only text: the comparison is false, nothing ran
        assertThat(tasks(awaitEnd(id))).containsExactly("Archive it");
        assertThat(Files.exists(Path.of(marker))).isFalse();
    }

    @Test
    void theEnginesExpressionLanguageReachesNoClassNoServiceAndNoMethodOfOtherObjects() {
        // given the engine's own expression manager (ProcOS's processes use it for their delegates)
        ConfinedExpressionManager el =
                (ConfinedExpressionManager) ((org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl)
                                orchestrator.engine().getProcessEngineConfiguration())
                        .getExpressionManager();
        var variables = org.camunda.bpm.engine.variable.Variables.createVariables()
                .putValue("text", "abc")
                .asVariableContext();
        String marker = touch("el");
        for (String payload : new String[] {
            "${''.getClass().forName('java.lang.Runtime').getMethod('getRuntime').invoke(null).exec('touch " + marker
                    + "')}",
            "${text.getClass()}",
            "${text.class}",
            "${text.concat('x')}",
            "${text.bytes}"
        }) {
            System.out.println("expression: " + payload);
            // when / then
            assertThatThrownBy(() -> el.createValueExpression(payload).getValue(el.createElContext(variables)))
                    .satisfies(e -> System.out.println("  failed: " + e));
        }
        // what ProcOS's own processes need still resolves: variables and its delegates' methods
        assertThat(el.createValueExpression("${text}").getValue(el.createElContext(variables)))
                .isEqualTo("abc");
        assertThat(Files.exists(Path.of(marker))).isFalse();
    }

    @Test
    void theEngineRunsNoScriptWhateverGetsPastThePolicy() {
        // given the engine's script factory (the policy refuses scripts before it is ever asked)
        var factory = ((org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl)
                        orchestrator.engine().getProcessEngineConfiguration())
                .getScriptFactory();
        for (String language : new String[] {"juel", "feel", "groovy", "javascript"}) {
            // when / then
            assertThatThrownBy(() -> factory.createScriptFromSource(language, "1 + 1"))
                    .hasMessageContaining("ProcOS runs no scripts");
            assertThatThrownBy(() -> factory.createScriptFromResource(language, "deployment://x.bpmn"))
                    .hasMessageContaining("ProcOS runs no scripts");
        }
    }

    @Test
    void processIdsOfProcOSItselfCannotBeUploadedEvenAsANonExecutableSecondProcess() {
        String second = process(
                        "fine",
                        "t",
                        "<bpmn:serviceTask id=\"t\" camunda:type=\"external\" camunda:topic=\"procos.task\"/>")
                .replace(
                        "</bpmn:definitions>",
                        "<bpmn:process id=\"" + EmbeddedEngine.PDO_KEY + "\"/></bpmn:definitions>");
        assertThatThrownBy(() -> orchestrator.processService().deploy("two.bpmn", second))
                .isInstanceOf(InvalidProcessException.class)
                .hasMessageContaining("reserved");
    }

    @Test
    void processIdsOfProcOSItselfCannotBeUploaded() {
        String own = process(
                EmbeddedEngine.TDE_KEY,
                "t",
                "<bpmn:serviceTask id=\"t\" camunda:delegateExpression=\"${procosTdeExecute}\"/>");
        assertThatThrownBy(() -> orchestrator.processService().deploy("own.bpmn", own))
                .isInstanceOf(InvalidProcessException.class)
                .hasMessageContaining("reserved");
    }

    private InstanceView awaitEnd(String id) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        InstanceView view = null;
        while (System.nanoTime() < end) {
            view = orchestrator.processService().instance(id).orElseThrow();
            if (view.state() != InstanceState.ACTIVE) return view;
            Thread.sleep(50);
        }
        throw new AssertionError("instance still active: " + view);
    }

    private static java.util.List<String> tasks(InstanceView view) {
        assertThat(view.state()).isEqualTo(InstanceState.COMPLETED);
        return view.tasks().stream().map(io.procos.api.tde.TaskRun::name).toList();
    }
}
