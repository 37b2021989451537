package io.procos.api.tool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The one folder a tool may touch (ProcOS's {@code data/workspace} by default). Every path a task
 * gives is relative to it; anything that would lead outside (an absolute path, "..", a symbolic link,
 * a NUL byte) is refused with a message that says which rule it broke.
 *
 * <p>For tool authors: read, write and list through {@link #read}, {@link #write} and {@link #list}.
 * They open every folder on the way relative to the one before, never following a symbolic link, so
 * a link swapped in while a tool works cannot lead it outside. {@link #resolve} only checks a path: a
 * {@code Path} it returned and opened later may by then go through a link.
 *
 * <p>These operations need {@link SecureDirectoryStream} (Linux has it). Where the file system has
 * none (Windows) they fail closed with an {@link IOException} that says so, rather than fall back to
 * checking first and opening later.
 */
public final class Workspace {

    /** A path refused, with the reason a person can act on. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        public Refused(String message) {
            super(message);
        }
    }

    /** One entry of a folder, as {@link #list} found it; links are reported, never followed. */
    public record Entry(String path, Type type, long size) {

        public enum Type {
            FILE,
            FOLDER,
            LINK,
            OTHER
        }
    }

    /** The entries of a folder, and whether there were more than were asked for. */
    public record Listing(String path, List<Entry> entries, boolean truncated) {

        public Listing {
            entries = List.copyOf(entries);
        }
    }

    /**
     * Tests only: runs after a path passed the checks and before anything is opened, so a test can
     * swap a folder for a link at the worst possible moment.
     */
    static volatile Runnable betweenCheckAndUse;

    /**
     * The framework property naming the workspace of this node: {@code data/workspace} of its home unless
     * configured ({@code procos.workspace} in {@code conf/framework.properties}, {@code -Dprocos.workspace} or
     * {@code PROCOS_WORKSPACE}). Several nodes on one database share one: a folder on shared storage.
     */
    public static final String ROOT_PROPERTY = "procos.workspace";

    /**
     * The folder a tool's configuration names ({@code configured}, relative to the home), or, when it names
     * none, the node's workspace ({@code rootProperty}, the value of {@link #ROOT_PROPERTY}), else
     * {@code data/workspace} of the home.
     */
    public static Path rootOf(Path home, String configured, String rootProperty) {
        if (configured != null && !configured.isBlank()) return home.resolve(configured.strip());
        if (rootProperty != null && !rootProperty.isBlank()) return home.resolve(rootProperty.strip());
        return home.resolve("data/workspace");
    }

    private static final Set<OpenOption> READ = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    private static final Set<OpenOption> APPEND = Set.of(
            StandardOpenOption.WRITE, StandardOpenOption.APPEND, StandardOpenOption.CREATE, LinkOption.NOFOLLOW_LINKS);
    private static final Set<OpenOption> CREATE_NEW =
            Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS);

    private final Path root;
    private final Path realRoot;

    public Workspace(Path root) throws IOException {
        this.root = Files.createDirectories(root.toAbsolutePath().normalize());
        this.realRoot = this.root.toRealPath();
    }

    public Path root() {
        return root;
    }

    /**
     * Resolves a workspace-relative path; it need not exist yet, but nothing on the way may lead outside.
     * This is a check at one moment: to open what it names, use {@link #read}, {@link #write} or {@link #list}.
     */
    public Path resolve(String relative) throws Refused {
        Path target = checked(relative);
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
                throw new Refused(
                        "'" + relative + "' goes through a symbolic link that points nowhere: " + e.getMessage());
            }
        }
        return target;
    }

    /** A path inside the workspace as the tools show it: relative, "." for the root. */
    public String relative(Path p) {
        String r = root.relativize(p).toString();
        return r.isEmpty() ? "." : r;
    }

    /**
     * The content of a file, refused if it has more than {@code maxBytes} bytes, is not a regular file,
     * or a link lies on the way.
     */
    public byte[] read(String relative, long maxBytes) throws Refused, IOException {
        List<String> path = segments(relative);
        beforeUse();
        String shown = shown(path);
        if (path.isEmpty()) throw new Refused("'.' is the workspace folder, not a file");
        String noFile = "no file '" + shown + "' in the workspace";
        try (SecureDirectoryStream<Path> dir = openFolder(relative, path, path.size() - 1, false, noFile)) {
            Path name = Path.of(path.get(path.size() - 1));
            BasicFileAttributes a = attributes(dir, name);
            if (a == null) throw new Refused(noFile);
            refuseUnlessFile(relative, path, a);
            if (a.size() > maxBytes) {
                throw new Refused(
                        "'" + shown + "' has " + a.size() + " bytes; at most " + maxBytes + " are read at once");
            }
            long limit = Math.min(maxBytes, Integer.MAX_VALUE - 16);
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(a.size(), limit));
            try (SeekableByteChannel in = open(dir, name, READ, relative, path)) {
                ByteBuffer buffer = ByteBuffer.allocate(8192);
                while (in.read(buffer) >= 0) {
                    out.write(buffer.array(), 0, buffer.position());
                    buffer.clear();
                    // it may have grown since it was measured: the limit holds for what is read
                    if (out.size() > limit)
                        throw new Refused("'" + shown + "' grew past " + maxBytes + " bytes while being read");
                }
            }
            return out.toByteArray();
        }
    }

    /**
     * Writes a file, creating the folders on the way. A whole write is atomic (readers see the old
     * content or the new, never half): it goes to a temporary file beside the target, then is renamed
     * into place. Returns the file's size afterwards.
     */
    public long write(String relative, byte[] bytes, boolean append) throws Refused, IOException {
        List<String> path = segments(relative);
        beforeUse();
        if (path.isEmpty()) throw new Refused("'.' is the workspace folder, not a file");
        try (SecureDirectoryStream<Path> dir = openFolder(relative, path, path.size() - 1, true, null)) {
            Path name = Path.of(path.get(path.size() - 1));
            BasicFileAttributes a = attributes(dir, name);
            if (a != null) refuseUnlessFile(relative, path, a);
            if (append) {
                try (SeekableByteChannel out = open(dir, name, APPEND, relative, path)) {
                    writeAll(out, bytes);
                }
            } else {
                Path temp = Path.of(".procos-" + UUID.randomUUID() + ".part");
                boolean moved = false;
                try {
                    try (SeekableByteChannel out = dir.newByteChannel(temp, CREATE_NEW)) {
                        writeAll(out, bytes);
                    }
                    // renameat: replaces whatever entry has the name (a link too, which is not followed)
                    dir.move(temp, dir, name);
                    moved = true;
                } finally {
                    if (!moved) deleteQuietly(dir, temp);
                }
            }
            BasicFileAttributes after = attributes(dir, name);
            return after == null ? bytes.length : after.size();
        }
    }

    /** Creates a folder and the folders on the way, never through a link. */
    public void createDirectories(String relative) throws Refused, IOException {
        List<String> path = segments(relative);
        beforeUse();
        openFolder(relative, path, path.size(), true, null).close();
    }

    /**
     * The entries of a folder sorted by path, folders followed by their contents when {@code recursive};
     * at most {@code max}. A link is listed as a link and never entered.
     */
    public Listing list(String relative, boolean recursive, int max) throws Refused, IOException {
        List<String> path = segments(relative);
        beforeUse();
        String shown = shown(path);
        List<Entry> entries = new ArrayList<>();
        boolean truncated;
        try (SecureDirectoryStream<Path> dir =
                openFolder(relative, path, path.size(), false, "no folder '" + shown + "' in the workspace")) {
            truncated = collect(dir, path.isEmpty() ? "" : shown + "/", recursive, max, entries);
        }
        return new Listing(shown, entries, truncated);
    }

    /** Adds the entries of {@code dir} to {@code out}; true when it stopped at {@code max} with more left. */
    private static boolean collect(
            SecureDirectoryStream<Path> dir, String prefix, boolean recursive, int max, List<Entry> out)
            throws IOException {
        List<String> names = new ArrayList<>();
        for (Path p : dir) names.add(p.getFileName().toString());
        names.sort(null);
        for (String n : names) {
            if (out.size() >= max) return true;
            Path name = Path.of(n);
            BasicFileAttributes a = attributes(dir, name);
            if (a == null) continue; // removed while we listed
            Entry.Type type = a.isSymbolicLink()
                    ? Entry.Type.LINK
                    : a.isDirectory() ? Entry.Type.FOLDER : a.isRegularFile() ? Entry.Type.FILE : Entry.Type.OTHER;
            out.add(new Entry(prefix + n, type, type == Entry.Type.FILE ? a.size() : 0));
            if (recursive && type == Entry.Type.FOLDER) {
                SecureDirectoryStream<Path> child;
                try {
                    child = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    continue; // became a link or went away since it was looked at: listed, not entered
                }
                try (child) {
                    if (collect(child, prefix + n + "/", true, max, out)) return true;
                }
            }
        }
        return false;
    }

    /**
     * Opens the folder made of the first {@code count} segments, each relative to the handle of the one
     * before and without following a link. Missing folders are created when {@code create}; otherwise
     * refused with {@code missing}.
     */
    private SecureDirectoryStream<Path> openFolder(
            String relative, List<String> path, int count, boolean create, String missing) throws Refused, IOException {
        SecureDirectoryStream<Path> dir = openRoot();
        for (int i = 0; i < count; i++) {
            SecureDirectoryStream<Path> parent = dir;
            try {
                dir = openChild(parent, relative, path, i, create, missing);
            } finally {
                parent.close();
            }
        }
        return dir;
    }

    private SecureDirectoryStream<Path> openChild(
            SecureDirectoryStream<Path> parent,
            String relative,
            List<String> path,
            int i,
            boolean create,
            String missing)
            throws Refused, IOException {
        Path name = Path.of(path.get(i));
        String upTo = String.join("/", path.subList(0, i + 1));
        BasicFileAttributes a = attributes(parent, name);
        if (a == null && create) {
            makeFolder(parent, relative, path, i);
            a = attributes(parent, name);
            if (a == null)
                throw new Refused(
                        "'" + relative + "': the folder " + upTo + " was moved while being created; try again");
        }
        if (a == null) throw new Refused(missing);
        if (a.isSymbolicLink()) throw throughLink(relative, path, i);
        if (!a.isDirectory()) throw new Refused("'" + relative + "': " + upTo + " is a file, not a folder");
        try {
            return parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) { // changed since it was looked at: say how, if it is now a link
            BasicFileAttributes now = attributes(parent, name);
            if (now != null && now.isSymbolicLink()) throw throughLink(relative, path, i);
            if (now == null && !create) throw new Refused(missing);
            throw e;
        }
    }

    /**
     * Makes the missing folder {@code path[i]} in {@code parent}. SecureDirectoryStream has no mkdirat,
     * so the folder is made by path, after checking that the path still names {@code parent}. A link
     * swapped into that path between the check and the mkdir can make that one empty folder elsewhere
     * (where ProcOS may write); it cannot make anything be opened, read or written there, because the
     * new folder is then opened through {@code parent}'s handle without following links, and is refused
     * when it is not there.
     */
    private void makeFolder(SecureDirectoryStream<Path> parent, String relative, List<String> path, int i)
            throws Refused, IOException {
        Path byPath = root.resolve(String.join("/", path.subList(0, i)));
        Object handle = parent.getFileAttributeView(BasicFileAttributeView.class)
                .readAttributes()
                .fileKey();
        Object named;
        try {
            named = Files.readAttributes(byPath, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            named = null;
        }
        if (handle == null || !handle.equals(named)) {
            throw new Refused("'" + relative + "': the folder " + relative(byPath) + " was moved or replaced while "
                    + "folders were being created in it; try again");
        }
        try {
            Files.createDirectory(byPath.resolve(path.get(i)));
        } catch (FileAlreadyExistsException e) {
            // made by someone else meanwhile, or a link: opening it without following links decides
        }
    }

    private SecureDirectoryStream<Path> openRoot() throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(root);
        if (stream instanceof SecureDirectoryStream<Path> secure) return secure;
        stream.close();
        throw new IOException("the workspace cannot open files without following symbolic links on this system ("
                + System.getProperty("os.name") + " has no SecureDirectoryStream), so it reads and writes nothing: "
                + "run ProcOS on Linux");
    }

    /** Opens a file in {@code dir}; a link put there since it was looked at is refused by NOFOLLOW_LINKS. */
    private static SeekableByteChannel open(
            SecureDirectoryStream<Path> dir, Path name, Set<OpenOption> options, String relative, List<String> path)
            throws Refused, IOException {
        try {
            return dir.newByteChannel(name, options);
        } catch (IOException e) {
            BasicFileAttributes now = attributes(dir, name);
            if (now != null && now.isSymbolicLink()) throw throughLink(relative, path, path.size() - 1);
            throw e;
        }
    }

    private static void refuseUnlessFile(String relative, List<String> path, BasicFileAttributes a) throws Refused {
        if (a.isSymbolicLink()) throw throughLink(relative, path, path.size() - 1);
        if (a.isDirectory()) throw new Refused("'" + shown(path) + "' is a folder, not a file");
        if (!a.isRegularFile())
            throw new Refused("'" + shown(path) + "' is not a regular file (a device, pipe or socket)");
    }

    private static Refused throughLink(String relative, List<String> path, int i) {
        String fix = ": links are not followed in the workspace; give the path the link points to, if that is inside";
        if (i == path.size() - 1) return new Refused("'" + relative + "' is a symbolic link" + fix);
        return new Refused(
                "'" + relative + "' goes through the symbolic link " + String.join("/", path.subList(0, i + 1)) + fix);
    }

    private static BasicFileAttributes attributes(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        try {
            return dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void writeAll(SeekableByteChannel out, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) out.write(buffer);
    }

    private static void deleteQuietly(SecureDirectoryStream<Path> dir, Path name) {
        try {
            dir.deleteFile(name);
        } catch (IOException e) {
            // already gone, or not ours to remove: a leftover .procos-*.part at worst
        }
    }

    private static void beforeUse() {
        Runnable hook = betweenCheckAndUse;
        if (hook != null) hook.run();
    }

    /** The path after the lexical checks (absolute, "..", NUL), normalised under the root. */
    private Path checked(String relative) throws Refused {
        if (relative == null)
            throw new Refused("'path' is required: a path relative to the workspace, e.g. notes/today.txt");
        if (relative.indexOf('\0') >= 0) throw new Refused("the path contains a NUL character");
        Path given;
        try {
            given = Path.of(relative);
        } catch (InvalidPathException e) {
            throw new Refused("'" + relative + "' is not a valid path: " + e.getReason());
        }
        if (given.isAbsolute() || relative.startsWith("/") || relative.startsWith("\\")) {
            throw new Refused(
                    "absolute paths are not allowed: give a path relative to the workspace, not '" + relative + "'");
        }
        Path target = root.resolve(given).normalize();
        if (!target.startsWith(root)) throw new Refused("'" + relative + "' leads outside the workspace (through ..)");
        return target;
    }

    /** The names from the root down, after the same checks as {@link #resolve} except links (the walk refuses those). */
    private List<String> segments(String relative) throws Refused {
        List<String> names = new ArrayList<>();
        for (Path p : root.relativize(checked(relative))) {
            if (!p.toString().isEmpty()) names.add(p.toString());
        }
        return names;
    }

    private static String shown(List<String> path) {
        return path.isEmpty() ? "." : String.join("/", path);
    }
}
