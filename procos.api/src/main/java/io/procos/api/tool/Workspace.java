package io.procos.api.tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The one folder a tool may touch (ProcOS's {@code data/workspace} by default). Every path a task
 * gives is relative to it; anything that would lead outside (an absolute path, "..", a symbolic link
 * pointing out, a NUL byte) is refused with a message that says which rule it broke. For tool
 * authors: resolve every path from a task through this class.
 */
public final class Workspace {

    /** A path refused, with the reason a person can act on. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        public Refused(String message) {
            super(message);
        }
    }

    private final Path root;
    private final Path realRoot;

    public Workspace(Path root) throws IOException {
        this.root = Files.createDirectories(root.toAbsolutePath().normalize());
        this.realRoot = this.root.toRealPath();
    }

    public Path root() {
        return root;
    }

    /** Resolves a workspace-relative path; it need not exist yet, but nothing on the way may lead outside. */
    public Path resolve(String relative) throws Refused {
        if (relative == null) throw new Refused("'path' is required: a path relative to the workspace, e.g. notes/today.txt");
        if (relative.indexOf('\0') >= 0) throw new Refused("the path contains a NUL character");
        Path given;
        try {
            given = Path.of(relative);
        } catch (InvalidPathException e) {
            throw new Refused("'" + relative + "' is not a valid path: " + e.getReason());
        }
        if (given.isAbsolute() || relative.startsWith("/") || relative.startsWith("\\")) {
            throw new Refused("absolute paths are not allowed: give a path relative to the workspace, not '" + relative + "'");
        }
        Path target = root.resolve(given).normalize();
        if (!target.startsWith(root)) throw new Refused("'" + relative + "' leads outside the workspace (through ..)");
        // follow every symbolic link on the way: the deepest part that exists must still be inside
        Path existing = target;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
        if (existing != null) {
            try {
                Path real = existing.toRealPath();
                if (!real.startsWith(realRoot)) {
                    throw new Refused("'" + relative + "' leads outside the workspace through the symbolic link "
                            + root.relativize(existing));
                }
            } catch (IOException e) { // a dangling link: where it points is outside anything we know
                throw new Refused("'" + relative + "' goes through a symbolic link that points nowhere: " + e.getMessage());
            }
        }
        return target;
    }

    /** A path inside the workspace as the tools show it: relative, "." for the root. */
    public String relative(Path p) {
        String r = root.relativize(p).toString();
        return r.isEmpty() ? "." : r;
    }
}
