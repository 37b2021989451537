package io.procos.tde.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.variable.value.BytesValue;
import org.junit.jupiter.api.Test;

/** Text longer than an engine text variable holds goes in and out of the TDE's steps whole. */
class LongTextTest {

    @Test
    void aLongResultIsSetAsBytesAndReadBackWhole() throws Exception {
        ToolRunnerTest.ScriptedCatalog catalog = new ToolRunnerTest.ScriptedCatalog();
        TaskExecutorSteps.Execute step = AttemptMemoTest.execute(catalog);
        String longPath = "reports/" + "r".repeat(5_000) + ".txt"; // echoed back in the tool's result
        Map<String, Object> vars = new HashMap<>(AttemptMemoTest.task(UUID.randomUUID().toString(), 1, longPath));
        vars.put("taskDocumentation", ("Write 'x' to " + longPath).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Map<String, Object> seen = new HashMap<>();
        DelegateExecution tde = AttemptMemoTest.execution(vars, seen);

        step.execute(tde);

        assertThat(seen.get("result")).isInstanceOf(BytesValue.class);
        assertThat(TaskExecutorSteps.text(((BytesValue) seen.get("result")).getValue())).contains(longPath);
        assertThat(TaskExecutorSteps.task(tde).documentation()).endsWith(longPath);
    }
}
