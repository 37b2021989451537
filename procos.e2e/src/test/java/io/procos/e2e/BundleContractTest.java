package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The bundles of the assembled distribution are tied by ProcOS's API only: no engine type crosses a bundle boundary. */
class BundleContractTest {

    static String header(String bundle, String name) throws Exception {
        Path dist = Path.of(System.getProperty("procos.dist", "../dist"))
                .toAbsolutePath()
                .normalize();
        try (Stream<Path> jars = Files.list(dist.resolve("bundles"))) {
            Path jar = jars.filter(
                            p -> p.getFileName().toString().matches("\\d+-" + bundle.replace(".", "\\.") + "\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(bundle + " is not in " + dist.resolve("bundles")));
            try (JarFile f = new JarFile(jar.toFile())) {
                String value = f.getManifest().getMainAttributes().getValue(name);
                return value == null ? "" : value;
            }
        }
    }

    @Test
    void theEngineBundleExportsNoEnginePackageAndTheExecutorImportsNone() throws Exception {
        String pdoExports = header("procos.pdo", "Export-Package");
        String tdeImports = header("procos.tde", "Import-Package");
        System.out.println("procos.pdo Export-Package: " + (pdoExports.isEmpty() ? "(none)" : pdoExports));
        System.out.println("procos.tde Import-Package: " + tdeImports);
        assertThat(pdoExports).doesNotContain("org.camunda");
        assertThat(tdeImports).doesNotContain("org.camunda").contains("io.procos.api.tde");
    }
}
