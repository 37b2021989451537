package io.procos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The offline generator's processes for its labelled descriptions (dev and held-out), as procos.das's
 * GeneratorAccuracyTest leaves them in its target/generator-bpmn, read by bpmn-moddle (bpmn.io) without
 * an error or a warning. No distribution needed.
 */
class GeneratedBpmnModdleTest {

    @Test
    void everyGeneratedProcessReadsInBpmnModdleWithoutWarnings() throws Exception {
        Path dir =
                Path.of("../procos.das/target/generator-bpmn").toAbsolutePath().normalize();
        assumeTrue(Files.isDirectory(dir), "skipped: run procos.das's GeneratorAccuracyTest first");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".bpmn")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (JsonNode r : DasTest.moddle(files)) {
            assertThat(r.path("error").isNull()).as(r.toString()).isTrue();
            assertThat(r.path("warnings")).as(r.path("file").asText()).isEmpty();
        }
        System.out.printf("bpmn-moddle read %d generated processes without warnings%n", files.size());
    }
}
