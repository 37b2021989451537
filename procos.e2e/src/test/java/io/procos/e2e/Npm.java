package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A Node.js checker of the tests: its npm package installed once under target/, and a script of src/test/resources run with it. */
final class Npm {

    private Npm() {}

    /**
     * Runs {@code src/test/resources/<script>} with {@code args} in {@code target/<dir>}, after installing
     * {@code spec} there unless {@code node_modules/<module>} is there already; what it printed.
     */
    static String run(String dir, String spec, String module, String script, List<String> args) throws Exception {
        Path home = Path.of("target", dir).toAbsolutePath();
        if (!Files.isDirectory(home.resolve("node_modules").resolve(module))) {
            Files.createDirectories(home);
            Process npm = new ProcessBuilder(
                            "npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", home.toString(), spec)
                    .redirectErrorStream(true)
                    .start();
            String log = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(npm.waitFor(300, TimeUnit.SECONDS) && npm.exitValue() == 0)
                    .as("npm install " + spec + ": " + log)
                    .isTrue();
        }
        Path copy = home.resolve("check-" + script);
        Files.copy(Path.of("src/test/resources", script), copy, StandardCopyOption.REPLACE_EXISTING);
        List<String> command = new ArrayList<>(List.of("node", copy.toString()));
        command.addAll(args);
        Process node = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return output;
    }
}
