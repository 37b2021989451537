package io.procos.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePromptStoreTest {

    @TempDir
    Path dir;

    @Test
    void shippedEditedAndResetSurvivingANewStore() {
        FilePromptStore store = new FilePromptStore(dir);
        assertThat(store.list()).extracting(p -> p.name()).containsExactly("tde.decide", "das.generate");
        assertThat(store.get("tde.decide").orElseThrow().edited()).isFalse();

        store.put("tde.decide", "Only file tools, please. {{task}}");
        assertThat(new FilePromptStore(dir).get("tde.decide").orElseThrow().text())
                .isEqualTo("Only file tools, please. {{task}}");

        assertThat(store.reset("tde.decide").text()).contains("You decide how one task");
    }

    @Test
    void refusesUnknownNamesLostPlaceholdersAndHugeTexts() {
        FilePromptStore store = new FilePromptStore(dir);
        assertThatThrownBy(() -> store.put("../etc/passwd", "x {{task}}"))
                .hasMessageContaining("there is no prompt named '../etc/passwd'");
        assertThatThrownBy(() -> store.put("tde.decide", "no placeholder")).hasMessageContaining("{{task}}");
        assertThatThrownBy(() -> store.put("tde.decide", "{{task}}" + "x".repeat(40_000)))
                .hasMessageContaining("at most 32000");
        assertThat(store.get("tde.decide").orElseThrow().edited()).isFalse();
    }
}
