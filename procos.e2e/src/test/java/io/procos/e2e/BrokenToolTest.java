package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** A broken bundle dropped into tools/ is named with its reason, and everything else keeps working. */
class BrokenToolTest {

    @Test
    void unresolvableAndCorruptToolsAreReportedWhileTheRestKeepsWorking() throws Exception {
        try (Distribution procos = Distribution.fresh("broken-tool")) {
            // given a running ProcOS
            procos.start();

            // when a bundle importing a package nobody exports is dropped into tools/ (copy, then rename)
            Path staged = procos.home.resolve("tools/broken-tool.jar.part");
            writeBundle(staged, "com.example.broken.tool", "com.example.nowhere");
            Files.move(staged, procos.home.resolve("tools/broken-tool.jar"), StandardCopyOption.ATOMIC_MOVE);
            // and a file that is no jar at all
            Files.writeString(procos.home.resolve("tools/garbage.jar"), "this is not a jar");

            // then health names both, with why
            JsonNode health = procos.awaitHealth(
                    h -> problems(h).contains("com.example.broken.tool")
                            && problems(h).contains("garbage.jar"),
                    Duration.ofSeconds(10));
            assertThat(problems(health))
                    .contains("not resolved: missing osgi.wiring.package (osgi.wiring.package=com.example.nowhere)");
            assertThat(problems(health)).contains("not a jar with a manifest");
            // and ProcOS itself is still healthy: degraded, not down
            assertThat(health.path("status").asText()).isEqualTo("DEGRADED");
            assertThat(procos.api("/api/health").statusCode()).isEqualTo(200);
            assertThat(StreamSupport.stream(health.path("bundles").spliterator(), false)
                            .filter(b -> b.path("origin").asText().equals("distribution")))
                    .allSatisfy(b -> assertThat(b.path("state").asText()).isEqualTo("ACTIVE"));
            assertThat(procos.console("procos", procos.consolePassword()).statusCode())
                    .isEqualTo(200);

            // when the broken files are removed
            Files.delete(procos.home.resolve("tools/broken-tool.jar"));
            Files.delete(procos.home.resolve("tools/garbage.jar"));

            // then nothing is reported any more
            procos.awaitHealthy();
        }
    }

    private static String problems(JsonNode health) {
        return health.path("problems").toString();
    }

    private static void writeBundle(Path file, String symbolicName, String importPackage) throws Exception {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", importPackage);
        try (OutputStream out = Files.newOutputStream(file);
                JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
    }
}
