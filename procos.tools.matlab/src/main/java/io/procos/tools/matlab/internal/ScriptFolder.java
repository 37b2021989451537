package io.procos.tools.matlab.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.util.Set;
import java.util.UUID;

/**
 * A script's own folder in the workspace, {@code .procos-matlab-<id>}: the only host folder the sandboxed
 * engine sees is the workspace, so the script must lie there. ProcOS writes, reads and removes workspace
 * files only through directory handles without following links, because a sandboxed script of another run
 * may swap any folder for a link to ProcOS's own files at any moment.
 */
final class ScriptFolder implements AutoCloseable {

    /** A valid MATLAB script name, for MATLAB's run(). */
    private static final Path SCRIPT = Path.of("procos_run.m");

    private final SecureDirectoryStream<Path> workspace;
    private final SecureDirectoryStream<Path> folder;
    private final Path name;
    private final Path script;

    private ScriptFolder(
            SecureDirectoryStream<Path> workspace, SecureDirectoryStream<Path> folder, Path name, Path script) {
        this.workspace = workspace;
        this.folder = folder;
        this.name = name;
        this.script = script;
    }

    /** Writes {@code code} to a new script file in a new folder of the workspace {@code root}. */
    static ScriptFolder create(Path root, String code) throws IOException {
        Path name = Path.of(".procos-matlab-" + UUID.randomUUID());
        Files.createDirectory(root.resolve(name)); // mkdir never goes through a link
        SecureDirectoryStream<Path> workspace = open(root);
        SecureDirectoryStream<Path> folder = null;
        try {
            folder = workspace.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
            try (SeekableByteChannel out = folder.newByteChannel(
                    SCRIPT,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))) {
                ByteBuffer bytes = ByteBuffer.wrap(code.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) out.write(bytes);
            }
            return new ScriptFolder(workspace, folder, name, root.resolve(name).resolve(SCRIPT));
        } catch (IOException | RuntimeException e) {
            new ScriptFolder(workspace, folder, name, null).close();
            throw e;
        }
    }

    /**
     * Reads {@code file} (already resolved by {@link io.procos.api.tool.Workspace}) without following a link
     * on the way: links inside the workspace are resolved first, then every folder is opened by handle.
     */
    static String read(Path root, Path file) throws IOException {
        Path realRoot = root.toRealPath();
        Path real = file.toRealPath();
        if (!real.startsWith(realRoot) || real.equals(realRoot))
            throw new IOException(file + " is not a file in the workspace");
        try (SecureDirectoryStream<Path> top = open(realRoot)) {
            return read(top, realRoot.relativize(real));
        }
    }

    private static String read(SecureDirectoryStream<Path> dir, Path relative) throws IOException {
        if (relative.getNameCount() > 1) {
            try (SecureDirectoryStream<Path> sub =
                    dir.newDirectoryStream(relative.getName(0), LinkOption.NOFOLLOW_LINKS)) {
                return read(sub, relative.subpath(1, relative.getNameCount()));
            }
        }
        // a pipe would block the open; a swap between this check and the open can only make it block
        if (!dir.getFileAttributeView(relative, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes()
                .isRegularFile()) {
            throw new IOException(relative + " is not a regular file");
        }
        try (SeekableByteChannel in =
                dir.newByteChannel(relative, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            return new String(Channels.newInputStream(in).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static SecureDirectoryStream<Path> open(Path dir) throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(dir);
        if (stream instanceof SecureDirectoryStream<Path> secure) return secure;
        stream.close();
        throw new IOException("this system cannot open files without following links (no SecureDirectoryStream)");
    }

    /** The script file, as the sandboxed engine sees it (the workspace has the same path inside). */
    Path script() {
        return script;
    }

    /** Removes the script and its folder; a folder the script filled or replaced stays, nothing outside is touched. */
    @Override
    public void close() throws IOException {
        try {
            if (folder != null) {
                try {
                    folder.deleteFile(SCRIPT);
                } catch (IOException e) {
                    // removed or replaced by the script itself: leave it
                } finally {
                    folder.close();
                }
            }
            try {
                workspace.deleteDirectory(name);
            } catch (IOException e) {
                // not empty, or no longer a folder: leave it
            }
        } finally {
            workspace.close();
        }
    }
}
