package io.procos.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** Every ProcOS bundle resolves and starts, and every DS component it declares is satisfied. */
class BundlesStartTest {

    private static final List<String> PROCOS_BUNDLES = List.of(
            "procos.api",
            "procos.web",
            "procos.memory",
            "procos.llm",
            "procos.pdo",
            "procos.tde",
            "procos.das",
            "procos.tools.file",
            "procos.tools.memory");

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ServiceComponentRuntime scr;

    @InjectService(timeout = 10_000)
    org.osgi.service.cm.ConfigurationAdmin configurations;

    /**
     * The engine's and memory's configurations, as the distribution ships conf/io.procos.pdo.engine.cfg and
     * conf/io.procos.memory.cfg (all defaults): both components start only once configured.
     */
    @org.junit.jupiter.api.BeforeEach
    void shippedConfigurations() throws Exception {
        for (String pid : List.of("io.procos.pdo.engine", "io.procos.memory")) {
            var c = configurations.getConfiguration(pid, "?");
            if (c.getProperties() == null) c.update(new java.util.Hashtable<>());
        }
        // the components come up once their configuration is delivered
        for (long end = System.currentTimeMillis() + 20_000; System.currentTimeMillis() < end; Thread.sleep(100)) {
            if (context.getServiceReference("io.procos.api.memory.Memory") != null) break;
        }
    }

    @Test
    void everyProcosBundleIsActive() {
        // given the framework the resolver assembled
        // when we look at the ProcOS bundles
        List<Bundle> procos = Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName().startsWith("procos.")
                        && !b.getSymbolicName().endsWith("-tests"))
                .collect(Collectors.toList());
        // then all of them are there and active
        assertThat(procos).extracting(Bundle::getSymbolicName).containsExactlyInAnyOrderElementsOf(PROCOS_BUNDLES);
        assertThat(procos)
                .allSatisfy(
                        b -> assertThat(b.getState()).as(b.getSymbolicName()).isEqualTo(Bundle.ACTIVE));
    }

    @Test
    void everyProcosComponentIsSatisfied() {
        // given the components the ProcOS bundles declare
        List<ComponentDescriptionDTO> descriptions = scr.getComponentDescriptionDTOs().stream()
                .filter(d -> d.bundle.symbolicName.startsWith("procos."))
                .collect(Collectors.toList());
        assertThat(descriptions).as("ProcOS declares components").isNotEmpty();
        // then each has a configuration that is satisfied or active, never waiting or failed; those that
        // exist only when configured (the chat model) have none until they are
        for (ComponentDescriptionDTO description : descriptions) {
            if ("require".equals(description.configurationPolicy)
                    && scr.getComponentConfigurationDTOs(description).isEmpty()) continue;
            assertThat(scr.getComponentConfigurationDTOs(description))
                    .as(description.name)
                    .isNotEmpty()
                    .allSatisfy(c -> assertThat(c.state)
                            .as(description.name + " " + c.failure)
                            .isIn(ComponentConfigurationDTO.SATISFIED, ComponentConfigurationDTO.ACTIVE));
        }
    }

    @Test
    void healthAnswersOverHttpWithTheTokenOnly() throws Exception {
        // given the HTTP endpoint the whiteboard runs on (port chosen by the system)
        String endpoint = httpEndpoint();
        // when /api/health is asked without the token, it refuses
        HttpURLConnection anonymous = (HttpURLConnection) new URL(endpoint + "api/health").openConnection();
        assertThat(anonymous.getResponseCode()).isEqualTo(401);
        // then with the token it reports, and turns healthy once the engine has started in the background
        int status = 0;
        String body = "";
        for (long end = System.currentTimeMillis() + 60_000;
                status != 200 && System.currentTimeMillis() < end;
                Thread.sleep(250)) {
            HttpURLConnection withToken = (HttpURLConnection) new URL(endpoint + "api/health").openConnection();
            withToken.setRequestProperty("Authorization", "Bearer itest-token");
            status = withToken.getResponseCode();
            body = read(status == 200 ? withToken.getInputStream() : withToken.getErrorStream());
        }
        assertThat(status).as(body).isEqualTo(200);
        assertThat(body).contains("\"framework\" : \"ACTIVE\"", "procos.pdo", "\"name\" : \"engine\"");
    }

    private String httpEndpoint() throws Exception {
        for (int i = 0; i < 100; i++) {
            ServiceReference<?>[] refs =
                    context.getServiceReferences("org.osgi.service.http.runtime.HttpServiceRuntime", null);
            if (refs != null) {
                Object endpoint = refs[0].getProperty("osgi.http.endpoint");
                String first = endpoint instanceof String[] ? ((String[]) endpoint)[0] : String.valueOf(endpoint);
                if (!first.contains(":0/")) return first.endsWith("/") ? first : first + "/";
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no HTTP runtime endpoint published within 10 s");
    }

    private static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
