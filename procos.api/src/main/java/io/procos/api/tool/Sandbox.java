package io.procos.api.tool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An operating-system sandbox for tools that declare {@link ToolReach#RUNS_CODE}: the program it
 * starts sees the system's programs and libraries read-only and, of ProcOS, only the workspace
 * (read-write); no network, no other user's or ProcOS's files ({@code conf/}, {@code tools/},
 * {@code data/}, the home folder), an unprivileged user, and it dies with ProcOS.
 */
@ProviderType
public interface Sandbox {

    /** For people and logs, e.g. "bubblewrap 0.8.0". */
    String name();

    /** Null when programs can be started, else why not and what to install or configure. */
    String unavailableReason();

    /**
     * Starts {@code command} inside the sandbox, in {@code workdir} (the workspace or a folder inside it),
     * with only the environment given. The caller reads its output and waits for it.
     *
     * @throws IOException when the sandbox cannot start the program (see {@link #unavailableReason()})
     */
    Process start(List<String> command, Workspace workspace, Path workdir, Map<String, String> environment)
            throws IOException;
}
