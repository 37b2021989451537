package io.procos.tools.file.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.procos.api.tool.ToolContext;
import io.procos.api.tool.ToolResult;
import io.procos.api.tool.Workspace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * file.write made again with the same idempotency key, as after a crash of ProcOS: its effect once, the first
 * call's result, and the record of calls out of every file tool's reach.
 */
class FileWriteOnceTest {

    /** A call with an idempotency key. */
    record Call(String taskId) implements ToolContext {
        public Instant deadline() {
            return Instant.now().plusSeconds(10);
        }

        public boolean cancelled() {
            return false;
        }
    }

    @TempDir
    Path dir;

    private Workspace workspace;
    private CallLedger ledger;
    private FileTools.Write write;
    private FileTools.Read read;
    private FileTools.ListFiles list;

    @BeforeEach
    void setUp() throws Exception {
        workspace = new Workspace(dir.resolve("workspace"));
        ledger = new CallLedger(workspace, Duration.ofDays(7));
        write = new FileTools.Write(workspace, ledger, 1024);
        read = new FileTools.Read(workspace, 1024);
        list = new FileTools.ListFiles(workspace, 100);
    }

    @Test
    void theSameAppendTwiceWithOneKeyAppendsOnceAndTheSecondAnswersTheFirstResult() throws Exception {
        // given
        Map<String, Object> line = Map.of("path", "log/run.txt", "content", "step 1 done\n", "append", true);
        Call call = new Call("task-7#1");

        // when the call is made, then made again with its key (ProcOS stopped before its result was recorded)
        ToolResult first = write.invoke(line, call);
        ToolResult again = write.invoke(line, call);

        // then the line is there once, and the second call says it wrote nothing
        report("the same append twice, key " + call.taskId(), again);
        assertThat(Files.readString(workspace.root().resolve("log/run.txt"))).isEqualTo("step 1 done\n");
        assertThat(first.content()).doesNotContainKey("repeated").containsEntry("size", 12L);
        assertThat(again.isError()).isFalse();
        assertThat(again.content())
                .containsEntry("repeated", true)
                .containsEntry("path", "log/run.txt")
                .containsEntry("bytesWritten", 12)
                .containsEntry("size", 12L);
        assertThat(again.text()).startsWith(first.text()).contains("not written again");

        // and another call (a retry after a reported failure has a key of its own) appends again
        ToolResult retry = write.invoke(line, new Call("task-7#2"));
        assertThat(retry.content()).doesNotContainKey("repeated");
        assertThat(Files.readString(workspace.root().resolve("log/run.txt"))).isEqualTo("step 1 done\n".repeat(2));
    }

    @Test
    void anInterruptedAppendThatHappenedIsNotAppliedTwice() throws Exception {
        // given an append recorded as intended at size 6, and the file grown by its 4 bytes: ProcOS was killed
        // after the append and before the call was recorded as done
        Files.writeString(workspace.root().resolve("notes.txt"), "first\nnew\n");
        ledger.record(intent("task-8#1", "notes.txt", "new\n", 6));

        // when the call is made again
        ToolResult again =
                write.invoke(Map.of("path", "notes.txt", "content", "new\n", "append", true), new Call("task-8#1"));

        // then
        report("an intent with the append applied", again);
        assertThat(Files.readString(workspace.root().resolve("notes.txt"))).isEqualTo("first\nnew\n");
        assertThat(again.content()).containsEntry("repeated", true).containsEntry("size", 10L);
        assertThat(ledger.find("task-8#1").done()).as("recorded as done now").isTrue();
    }

    @Test
    void anInterruptedAppendThatDidNotHappenIsAppliedOnce() throws Exception {
        // given an append recorded as intended at size 6, and the file still of size 6: killed before the append
        Files.writeString(workspace.root().resolve("notes.txt"), "first\n");
        ledger.record(intent("task-9#1", "notes.txt", "new\n", 6));
        Map<String, Object> line = Map.of("path", "notes.txt", "content", "new\n", "append", true);

        // when the call is made again, and again
        ToolResult again = write.invoke(line, new Call("task-9#1"));
        ToolResult third = write.invoke(line, new Call("task-9#1"));

        // then the append happened once
        report("an intent with the append not applied", again);
        assertThat(Files.readString(workspace.root().resolve("notes.txt"))).isEqualTo("first\nnew\n");
        assertThat(again.content()).doesNotContainKey("repeated").containsEntry("size", 10L);
        assertThat(again.text()).isEqualTo("wrote 4 bytes to notes.txt");
        assertThat(third.content()).containsEntry("repeated", true);
    }

    @Test
    void anInterruptedAppendToAFileChangedOtherwiseIsAppliedAndSaysSo() throws Exception {
        // given an append intended at size 6 of a file that someone replaced since
        Files.writeString(workspace.root().resolve("notes.txt"), "rewritten by someone\n");
        ledger.record(intent("task-10#1", "notes.txt", "new\n", 6));

        // when
        ToolResult again =
                write.invoke(Map.of("path", "notes.txt", "content", "new\n", "append", true), new Call("task-10#1"));

        // then
        report("an intent for a file changed otherwise", again);
        assertThat(Files.readString(workspace.root().resolve("notes.txt"))).isEqualTo("rewritten by someone\nnew\n");
        assertThat(again.text()).contains("had 6 bytes then and 21 now", "changed otherwise", "appended now");
    }

    @Test
    void aWholeWriteMadeAgainDoesNotUndoALaterWrite() throws Exception {
        // given a whole write done, and the file written by another call since
        Map<String, Object> draft = Map.of("path", "report.txt", "content", "draft");
        write.invoke(draft, new Call("task-11#1"));
        write.invoke(Map.of("path", "report.txt", "content", "final"), new Call("task-12#1"));

        // when the first call is made again
        ToolResult again = write.invoke(draft, new Call("task-11#1"));

        // then it answers its result and leaves the later content
        assertThat(again.content()).containsEntry("repeated", true).containsEntry("size", 5L);
        assertThat(Files.readString(workspace.root().resolve("report.txt"))).isEqualTo("final");
    }

    @Test
    void theLedgerIsInvisibleToFileListAndRefusedToEveryFileTool() throws Exception {
        // given a ledger with an entry
        write.invoke(Map.of("path", "a/b.txt", "content", "x", "append", true), new Call("task-13#1"));
        Path entry = workspace.root().resolve(".procos/calls/" + CallLedger.name("task-13#1"));
        assertThat(entry).isRegularFile();

        // when
        ToolResult top = list.invoke(Map.of(), new Call("l1"));
        ToolResult all = list.invoke(Map.of("path", ".", "recursive", true), new Call("l2"));
        String inside = ".procos/calls/" + CallLedger.name("task-13#1");
        List<ToolResult> refused = List.of(
                read.invoke(Map.of("path", inside), new Call("r")),
                read.invoke(Map.of("path", "a/../.procos/calls/" + CallLedger.name("task-13#1")), new Call("r2")),
                write.invoke(Map.of("path", inside, "content", "{}"), new Call("w")),
                write.invoke(Map.of("path", ".procos/other.txt", "content", "x", "append", true), new Call("w2")),
                list.invoke(Map.of("path", ".procos"), new Call("l3")),
                list.invoke(Map.of("path", ".procos/calls", "recursive", true), new Call("l4")));

        // then
        report("file.list of the workspace root", top);
        report("file.list recursive", all);
        report("file.read " + inside, refused.get(0));
        assertThat(paths(top)).containsExactly("a");
        assertThat(paths(all)).containsExactly("a", "a/b.txt");
        assertThat(all.content()).containsEntry("truncated", false);
        for (ToolResult r : refused) {
            assertThat(r.isError()).as(r.text()).isTrue();
            assertThat(r.text()).contains("is inside .procos", "use a path outside .procos");
        }
        assertThat(workspace.root().resolve(".procos/other.txt")).doesNotExist();
        assertThat(Files.readString(entry)).contains("\"done\":true");
    }

    @Test
    void ledgerEntriesDoNotCountAgainstTheListingLimit() throws Exception {
        // given more ledger entries than a listing may hold
        FileTools.ListFiles small = new FileTools.ListFiles(workspace, 3);
        for (int i = 0; i < 5; i++)
            write.invoke(Map.of("path", "f" + i + ".txt", "content", "x"), new Call("task-14#" + i));

        // when
        ToolResult all = small.invoke(Map.of("recursive", true), new Call("l"));

        // then the limit holds for the task's own files only
        assertThat(paths(all)).containsExactly("f0.txt", "f1.txt", "f2.txt");
        assertThat(all.content()).containsEntry("truncated", true);
    }

    @Test
    void entriesOlderThanTheConfiguredDaysArePruned() throws Exception {
        // given an old entry and a new one
        write.invoke(Map.of("path", "old.txt", "content", "x"), new Call("old#1"));
        write.invoke(Map.of("path", "new.txt", "content", "x"), new Call("new#1"));
        Path old = workspace.root().resolve(".procos/calls/" + CallLedger.name("old#1"));
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(8))));

        // when
        int removed = ledger.prune(Instant.now().minus(Duration.ofDays(7)));

        // then
        assertThat(removed).isEqualTo(1);
        assertThat(old).doesNotExist();
        assertThat(ledger.find("new#1")).isNotNull();
        assertThat(ledger.find("old#1")).isNull();
    }

    @Test
    void aLedgerFolderThatIsALinkIsRefusedAndNothingIsWritten() throws Exception {
        // given .procos swapped for a link to a folder outside the workspace
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(workspace.root().resolve(".procos"), elsewhere);

        // when
        ToolResult r = write.invoke(Map.of("path", "x.txt", "content", "x", "append", true), new Call("task-15#1"));

        // then
        report("file.write with .procos a link", r);
        assertThat(r.isError()).isTrue();
        assertThat(r.text()).contains(".procos", "Nothing was written");
        try (var s = Files.list(elsewhere)) {
            assertThat(s).isEmpty();
        }
    }

    private static CallLedger.Entry intent(String key, String path, String content, long sizeBefore) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return new CallLedger.Entry(
                key, path, true, CallLedger.sha256(bytes), sizeBefore, bytes.length, false, -1, null);
    }

    @SuppressWarnings("unchecked")
    private static List<String> paths(ToolResult listing) {
        return ((List<Map<String, Object>>) listing.content().get("entries"))
                .stream().map(e -> (String) e.get("path")).toList();
    }

    private static void report(String tried, ToolResult result) {
        System.out.println("tried: " + tried);
        System.out.println("  got: " + (result.isError() ? "error: " : "") + result.text() + " " + result.content());
    }
}
