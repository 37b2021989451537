package io.procos.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationFilesTest {

    @TempDir
    Path dir;

    private static Map<String, String> map(String... kv) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void aChangedValueReplacesItsLineOrFollowsItsCommentedDefaultAndDefaultsAreNotWritten() throws Exception {
        Path file = dir.resolve("io.procos.x.cfg");
        Files.writeString(file, "# The x settings\n#size=10\nname=old\nkept=yes\n");
        boolean written = ConfigurationFiles.write(
                file,
                "io.procos.x",
                map("size", "25", "name", "new", "kept", "yes", "level", "info"),
                map("size", "10", "name", "", "kept", "", "level", "info"));
        assertThat(written).isTrue();
        assertThat(Files.readString(file)).isEqualTo("# The x settings\n#size=10\nsize = 25\nname = new\nkept=yes\n");
    }

    @Test
    void aKeyTheFormRemovedIsCommentedOutAndASaveThatChangesNothingWritesNothing() throws Exception {
        Path file = dir.resolve("io.procos.y.cfg");
        Files.writeString(file, "a=1\nb=2\n");
        assertThat(ConfigurationFiles.write(file, "io.procos.y", map("a", "1", "b", "2"), Map.of()))
                .isFalse();
        assertThat(ConfigurationFiles.write(file, "io.procos.y", map("a", "1"), Map.of()))
                .isTrue();
        assertThat(Files.readString(file)).isEqualTo("a=1\n#b=2\n");
    }

    @Test
    void aValueCannotAddALineOrAKeyOfItsOwn() throws Exception {
        Path file = dir.resolve("io.procos.z.cfg");
        ConfigurationFiles.write(file, "io.procos.z", map("note", "x\nadmin=true", "k=v", "1"), Map.of());
        Properties read = new Properties();
        read.load(new StringReader(Files.readString(file)));
        assertThat(read).containsOnlyKeys("note", "k=v");
        assertThat(read.getProperty("note")).isEqualTo("x\nadmin=true");
        assertThat(Files.getPosixFilePermissions(file)).hasSize(2); // owner read and write only
    }

    @Test
    void aListIsWrittenAsOneCommaSeparatedString() {
        assertThat(ConfigurationFiles.value(new String[] {"a:1", "b:2"})).isEqualTo("a:1, b:2");
        assertThat(ConfigurationFiles.value(25L)).isEqualTo("25");
    }
}
