package io.procos.api.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionExpressionTest {

    private static boolean eval(String condition, Map<String, Object> vars) {
        return ConditionExpression.parse(condition)
                .evaluate(n -> vars.containsKey(n) ? vars.get(n) : ConditionExpression.UNSET);
    }

    @Test
    void comparesVariablesWithLiterals() {
        // given
        Map<String, Object> vars =
                new HashMap<>(Map.of("amount", 1500, "region", "EU", "approved", true, "delay", "4"));
        // then
        assertThat(eval("${amount > 1000}", vars)).isTrue();
        assertThat(eval("${amount > 1000 && region == 'EU'}", vars)).isTrue();
        assertThat(eval("amount le 1000 or region ne \"EU\"", vars)).isFalse();
        assertThat(eval("${approved}", vars)).isTrue();
        assertThat(eval("${not (approved == true)}", vars)).isFalse();
        assertThat(eval("${delay > 3}", vars)).isTrue(); // numeric text compares as a number
        assertThat(eval("${amount >= 1500.0}", vars)).isTrue();
    }

    @Test
    void aVariableThatIsNotSetMakesEveryComparisonFalse() {
        Map<String, Object> none = Map.of();
        assertThat(eval("${amount > 1000}", none)).isFalse();
        assertThat(eval("${amount != 1000}", none)).isFalse();
        assertThat(eval("${!(amount > 1000)}", none)).isTrue();
        assertThat(ConditionExpression.parse("${a > 1 || b == 'x'}").variables())
                .containsExactly("a", "b");
    }

    @Test
    void everyKnownExpressionPayloadIsRefusedWithWhatIsWrong() {
        List<String> payloads = List.of(
                "${''.getClass().forName('java.lang.Runtime').getMethod('getRuntime').invoke(null).exec('touch /tmp/x')}",
                "${execution.getProcessEngineServices().getRuntimeService()}",
                "${execution.processEngineServices}",
                "${procosPdoFetch.ids(readyTasks)}",
                "${'abc'.toUpperCase() == 'ABC'}",
                "${x.class}",
                "${a[0] == 1}",
                "${amount + 1 > 2}",
                "${Runtime.getRuntime()}",
                "${empty amount}",
                "${amount > 1} ${other}",
                "#{''.getClass()}");
        for (String p : payloads) {
            System.out.println("condition payload: " + p);
            assertThatThrownBy(() -> ConditionExpression.parse(p))
                    .as(p)
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> System.out.println("  refused: " + e.getMessage()));
        }
    }
}
