package io.procos.api.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The no-follow operations on a real file system, with a folder swapped for a link between check and use. */
class WorkspaceTest {

    @TempDir
    Path dir;

    private Workspace workspace;
    private Path outside;

    @BeforeEach
    void setUp() throws Exception {
        workspace = new Workspace(dir.resolve("workspace"));
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "top secret");
        Files.createDirectories(workspace.root().resolve("a"));
        Files.writeString(workspace.root().resolve("a/secret.txt"), "harmless");
    }

    @AfterEach
    void removeHook() {
        Workspace.betweenCheckAndUse = null;
    }

    @Test
    void filesRoundTripThroughWriteAppendListAndRead() throws Exception {
        // when
        long written = workspace.write("notes/2026/meeting.txt", bytes("Decisions: ship."), false);
        long appended = workspace.write("notes/2026/meeting.txt", bytes("\nOwner: Ana"), true);
        workspace.write("notes/2026/meeting.txt", bytes("Replaced."), false);
        workspace.createDirectories("notes/empty");
        Workspace.Listing listing = workspace.list("notes", true, 10);
        byte[] back = workspace.read("notes/./2026/../2026/meeting.txt", 100);

        // then
        System.out.println("round trip: sizes " + written + ", " + appended + "; listing " + listing + "; read '"
                + new String(back, StandardCharsets.UTF_8) + "'");
        assertThat(written).isEqualTo(16);
        assertThat(appended).isEqualTo(27);
        assertThat(new String(back, StandardCharsets.UTF_8)).isEqualTo("Replaced.");
        assertThat(listing.truncated()).isFalse();
        assertThat(listing.entries())
                .containsExactly(
                        new Workspace.Entry("notes/2026", Workspace.Entry.Type.FOLDER, 0),
                        new Workspace.Entry("notes/2026/meeting.txt", Workspace.Entry.Type.FILE, 9),
                        new Workspace.Entry("notes/empty", Workspace.Entry.Type.FOLDER, 0));
        try (Stream<Path> s = Files.list(workspace.root().resolve("notes/2026"))) {
            assertThat(s).as("no temporary file left behind").hasSize(1);
        }
    }

    @Test
    void aListingStopsAtItsLimitAndSaysSo() throws Exception {
        for (int i = 0; i < 5; i++) workspace.write("many/f" + i, bytes("x"), false);

        Workspace.Listing three = workspace.list("many", false, 3);
        Workspace.Listing five = workspace.list("many", false, 5);

        System.out.println(
                "listing 'many' (5 files) with max 3: " + three.entries().size() + " entries, truncated="
                        + three.truncated() + "; with max 5: truncated=" + five.truncated());
        assertThat(three.entries()).extracting(Workspace.Entry::path).containsExactly("many/f0", "many/f1", "many/f2");
        assertThat(three.truncated()).isTrue();
        assertThat(five.truncated()).isFalse();
    }

    @Test
    void aFolderSwappedForALinkAfterTheCheckLeadsNowhere() throws Exception {
        // given a is replaced by a -> outside after the path passed its checks
        swapAtTheHook();

        // when / then: each operation is refused at a, and nothing outside is read, written or listed
        refused("read a/secret.txt", () -> workspace.read("a/secret.txt", 100));
        refused("write a/secret.txt", () -> workspace.write("a/secret.txt", bytes("overwritten"), false));
        refused("append a/secret.txt", () -> workspace.write("a/secret.txt", bytes("appended"), true));
        refused("write a/new/deeper.txt", () -> workspace.write("a/new/deeper.txt", bytes("planted"), false));
        refused("createDirectories a/made", () -> workspace.createDirectories("a/made"));
        refused("list a", () -> workspace.list("a", true, 10));
        try (Stream<Path> s = Files.list(outside)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("secret.txt");
        }
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("top secret");
    }

    @Test
    void linksAreListedAsLinksAndNeverEntered() throws Exception {
        Files.createSymbolicLink(workspace.root().resolve("out"), outside);
        Files.createSymbolicLink(
                workspace.root().resolve("alias"), workspace.root().resolve("a"));

        Workspace.Listing listing = workspace.list("", true, 100);

        System.out.println("recursive listing of the workspace with links out and alias -> a: " + listing.entries());
        assertThat(listing.path()).isEqualTo(".");
        assertThat(listing.entries())
                .containsExactly(
                        new Workspace.Entry("a", Workspace.Entry.Type.FOLDER, 0),
                        new Workspace.Entry("a/secret.txt", Workspace.Entry.Type.FILE, 8),
                        new Workspace.Entry("alias", Workspace.Entry.Type.LINK, 0),
                        new Workspace.Entry("out", Workspace.Entry.Type.LINK, 0));
        refused("read alias/secret.txt (alias -> a, inside)", () -> workspace.read("alias/secret.txt", 100));
        refused("write alias (a link as the file itself)", () -> workspace.write("alias", bytes("x"), false));
    }

    @Test
    void wrongInputIsRefusedWithWhatToDo() throws Exception {
        Files.writeString(workspace.root().resolve("big.txt"), "x".repeat(200));

        assertThat(refused("read missing.txt", () -> workspace.read("missing.txt", 100)))
                .contains("no file 'missing.txt'");
        assertThat(refused("read big.txt", () -> workspace.read("big.txt", 100)))
                .contains("200 bytes", "at most 100");
        assertThat(refused("read a", () -> workspace.read("a", 100))).contains("'a' is a folder");
        assertThat(refused("write a", () -> workspace.write("a", bytes("x"), false)))
                .contains("'a' is a folder");
        assertThat(refused("write big.txt/x", () -> workspace.write("big.txt/x", bytes("x"), false)))
                .contains("big.txt is a file, not a folder");
        assertThat(refused("list nowhere", () -> workspace.list("nowhere", false, 10)))
                .contains("no folder 'nowhere'");
        assertThat(refused("read ../x", () -> workspace.read("../x", 100))).contains("outside the workspace");
        assertThat(refused("read /etc/passwd", () -> workspace.read("/etc/passwd", 100)))
                .contains("absolute paths");
    }

    private void swapAtTheHook() {
        Workspace.betweenCheckAndUse = () -> {
            try {
                Path a = workspace.root().resolve("a");
                if (Files.isSymbolicLink(a)) return; // swapped already by an earlier call
                Files.move(a, workspace.root().resolve("a-before-swap"));
                Files.createSymbolicLink(a, outside);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static String refused(String tried, ThrowingCallable call) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        System.out.println("tried " + tried + " -> " + (thrown == null ? "done (not refused)" : thrown.getMessage()));
        assertThat(thrown).as(tried).isInstanceOf(Workspace.Refused.class);
        if (tried.contains(" a/") || tried.contains("alias")) {
            assertThat(thrown.getMessage()).contains("symbolic link", "links are not followed");
        }
        return thrown.getMessage();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
