package io.procos.tools.docker.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host side of the /workspace mount: its mount flags and who may write the folder.
 *
 * <p>Docker cannot make a read-write bind mount nosuid or nodev: the kernel ignores those flags on the first
 * bind, and the engine remounts a bind only to make it read-only (also for a {@code local} volume with
 * {@code o=bind,nosuid,nodev}, whose container then sees a plain {@code rw} mount). A bind does keep the flags
 * of the mount it comes from, so the workspace must lie on a nosuid,nodev mount. When ProcOS runs as root it
 * makes the workspace such a mount itself (bound onto itself, then remounted) and undoes that on release.
 */
final class WorkspaceMount {

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private static final Pattern NUMERIC_USER = Pattern.compile("(\\d+)(?::(\\d+))?");

    private final Path root;
    private Path mountedByProcos;

    WorkspaceMount(Path root) {
        this.root = root;
    }

    /**
     * Null when the workspace lies on a nosuid,nodev mount, made so now if ProcOS may; else what is wrong and
     * what to do.
     */
    synchronized String secure() throws IOException, InterruptedException {
        Path real = root.toRealPath();
        String flags = flagsOf(real);
        if (hasNosuidNodev(flags)) return null;
        String fix = "mount --bind " + real + " " + real + " && mount -o remount,bind,nosuid,nodev " + real;
        if (ownUid() != 0) {
            return "the workspace " + real + " is on a mount without nosuid,nodev (" + flags
                    + ") and ProcOS is not root, " + "so it cannot change that: as root run `" + fix
                    + "` (or an /etc/fstab line doing the same) and try again";
        }
        String failed = run("mount", "--bind", real.toString(), real.toString());
        if (failed == null) {
            mountedByProcos = real;
            failed = run("mount", "-o", "remount,bind,nosuid,nodev", real.toString());
        }
        if (failed == null && hasNosuidNodev(flagsOf(real))) return null;
        return "the workspace " + real + " is on a mount without nosuid,nodev and `" + fix + "` failed: " + failed;
    }

    /** Undoes what {@link #secure()} mounted; containers still running keep their own copy of the mount. */
    synchronized void release() throws IOException, InterruptedException {
        if (mountedByProcos == null) return;
        run("umount", "--lazy", mountedByProcos.toString());
        mountedByProcos = null;
    }

    /**
     * Lets the container's user (uid:gid) write {@code dir}, the folder itself and not what is inside:
     * ProcOS as root hands the folder to that user, else makes it group-writable and returns the group the
     * container must join. What lies below is left alone, since a running container could swap a folder for a
     * link out of the workspace while ProcOS walks it.
     */
    static List<String> letWrite(Path dir, String user) throws IOException {
        int[] ids = numericUser(user);
        if (ids == null || Files.isSymbolicLink(dir)) return List.of();
        int own = ownUid();
        if (ids[0] == own) return List.of();
        if (own == 0) {
            Files.setAttribute(dir, "unix:uid", ids[0], LinkOption.NOFOLLOW_LINKS);
            if (ids[1] >= 0) Files.setAttribute(dir, "unix:gid", ids[1], LinkOption.NOFOLLOW_LINKS);
            return List.of();
        }
        int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        // group rwx, and setgid so that what the container creates stays in ProcOS's group
        Files.setAttribute(dir, "unix:mode", (mode & 07777) | 02070, LinkOption.NOFOLLOW_LINKS);
        return List.of(String.valueOf(Files.getAttribute(dir, "unix:gid", LinkOption.NOFOLLOW_LINKS)));
    }

    /** A numeric uid:gid, or null for a name or nothing: then tmpfs and workspace keep their owners. */
    static int[] numericUser(String user) {
        Matcher m = NUMERIC_USER.matcher(user == null ? "" : user.strip());
        if (!m.matches()) return null;
        int uid = Integer.parseInt(m.group(1));
        return new int[] {uid, m.group(2) == null ? -1 : Integer.parseInt(m.group(2))};
    }

    static boolean hasNosuidNodev(String flags) {
        List<String> f = List.of(flags.split(","));
        return f.contains("nosuid") && f.contains("nodev");
    }

    /** The per-mount flags of the mount {@code real} lies on: the deepest mount point above it, the last one mounted there. */
    static String flagsOf(Path real) throws IOException {
        String flags = "";
        int depth = -1;
        for (String line : Files.readAllLines(MOUNTINFO, StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f.length < 6) continue;
            Path point = Path.of(unescape(f[4]));
            if (real.startsWith(point) && point.getNameCount() >= depth) {
                depth = point.getNameCount();
                flags = f[5];
            }
        }
        return flags;
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    private static String unescape(String s) {
        Matcher m = Pattern.compile("\\\\([0-7]{3})").matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find())
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 8))));
        return m.appendTail(out).toString();
    }

    /** The uid ProcOS runs as: /proc/self belongs to it. */
    static int ownUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /** Null when the command succeeded, else what it said. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command)))
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " did not finish within 30 s";
        }
        return p.exitValue() == 0 ? null : String.join(" ", command) + " exited with " + p.exitValue() + ": " + said;
    }
}
