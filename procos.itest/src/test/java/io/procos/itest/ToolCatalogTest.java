package io.procos.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolCatalog;
import io.procos.api.tool.ToolContext;
import io.procos.api.tool.ToolResult;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** The live tool catalogue in a real framework: services come and go, names collide, calls never hang. */
class ToolCatalogTest {

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ToolCatalog catalog;

    /** A tool whose behaviour the test sets. */
    record TestTool(String name, String answer, CountDownLatch started, long sleepMillis) implements Tool {
        public String description() {
            return "test tool answering " + answer;
        }

        public String inputSchema() {
            return "{\"type\":\"object\"}";
        }

        public ToolResult invoke(Map<String, Object> input, ToolContext ctx) throws Exception {
            started.countDown();
            Thread.sleep(sleepMillis); // a tool that ignores cancellation: the catalogue must still not hang
            return ToolResult.ok(Map.of("answer", answer), answer);
        }
    }

    private ServiceRegistration<Tool> register(Tool tool, int ranking) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, ranking);
        return context.registerService(Tool.class, tool, props);
    }

    @Test
    void twoToolsClaimingOneNameAreBothReportedAndTheRankingDecides() {
        // given two services claiming "it.same"
        ServiceRegistration<Tool> low = register(new TestTool("it.same", "low", new CountDownLatch(1), 0), 0);
        ServiceRegistration<Tool> high = register(new TestTool("it.same", "high", new CountDownLatch(1), 0), 5);
        try {
            // then the catalogue names the conflict, the winner and why
            assertThat(catalog.conflicts()).singleElement().satisfies(c -> {
                assertThat(c.name()).isEqualTo("it.same");
                assertThat(c.winner().ranking()).isEqualTo(5);
                assertThat(c.shadowed()).hasSize(1);
                assertThat(c.reason()).contains("service.ranking");
            });
            assertThat(catalog.invoke("it.same", Map.of(), "t1", Duration.ofSeconds(5))
                            .content())
                    .containsEntry("answer", "high");

            // when the winner goes away, the other one serves
            high.unregister();
            high = null;
            assertThat(catalog.conflicts()).isEmpty();
            assertThat(catalog.invoke("it.same", Map.of(), "t2", Duration.ofSeconds(5))
                            .content())
                    .containsEntry("answer", "low");
        } finally {
            low.unregister();
            if (high != null) high.unregister();
        }
        assertThat(catalog.tool("it.same")).isEmpty();
    }

    @Test
    void aCallWhoseToolIsRemovedEndsWithAToolErrorInsteadOfHanging() throws Exception {
        // given a tool in the middle of a long call
        CountDownLatch started = new CountDownLatch(1);
        ServiceRegistration<Tool> reg = register(new TestTool("it.slow", "late", started, 60_000), 0);
        CompletableFuture<ToolResult> call =
                CompletableFuture.supplyAsync(() -> catalog.invoke("it.slow", Map.of(), "t3", Duration.ofSeconds(120)));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        // when its service is unregistered
        reg.unregister();

        // then the call ends within the grace period, with a tool error saying why
        ToolResult result = call.get(10, TimeUnit.SECONDS);
        assertThat(result.isError()).isTrue();
        assertThat(result.text()).contains("removed while it ran");
    }

    @Test
    void aCallPastItsDeadlineIsStoppedAndUnknownToolsAreNamed() {
        ServiceRegistration<Tool> reg = register(new TestTool("it.sleepy", "late", new CountDownLatch(1), 30_000), 0);
        try {
            ToolResult result = catalog.invoke("it.sleepy", Map.of(), "t4", Duration.ofMillis(300));
            assertThat(result.isError()).isTrue();
            assertThat(result.text()).contains("did not finish within");
        } finally {
            reg.unregister();
        }
        assertThat(catalog.invoke("it.nothing", Map.of(), "t5", Duration.ofSeconds(1))
                        .text())
                .contains("no tool named 'it.nothing'");
    }
}
