package io.procos.sandbox.internal;

import io.procos.api.tool.Sandbox;
import io.procos.api.tool.Workspace;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@link Sandbox} on Linux, built on bubblewrap: each program gets new namespaces (user, mount,
 * network, PID, IPC, UTS, cgroup), runs as uid/gid 65534 without capabilities, sees /usr and a few /etc
 * files read-only, a private /tmp, and of ProcOS only the workspace, bound read-write at its own path.
 */
@Component(service = Sandbox.class, configurationPid = SandboxConfiguration.PID)
@Designate(ocd = SandboxConfiguration.class)
public final class BubblewrapSandbox implements Sandbox {

    private static final String NOBODY = "65534";
    /** Merged-/usr systems have these as symbolic links into /usr (mirrored as links); older ones as folders. */
    private static final List<String> TOP_LEVEL = List.of("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32");
    /**
     * What programs need of /etc: the dynamic linker's cache, Debian's alternatives (Octave finds BLAS and
     * LAPACK through them), Octave's site startup file, the time zone, fonts for plots. Not all of /etc: the
     * sandbox user is mapped to ProcOS's own user, so it could read whatever that user owns (/etc/shadow when
     * ProcOS runs as root).
     */
    private static final List<String> ETC = List.of(
            "/etc/alternatives",
            "/etc/ld.so.cache",
            "/etc/ld.so.conf",
            "/etc/ld.so.conf.d",
            "/etc/octaverc",
            "/etc/octave",
            "/etc/localtime",
            "/etc/fonts");

    private static final String PATH = "/usr/local/bin:/usr/bin:/bin";

    private final Path bwrap;
    private final List<Path> readOnly;
    private final List<Path> hidden;
    private final boolean disableUserns;
    private final String name;
    private final String unavailableReason;

    @Activate
    public BubblewrapSandbox(BundleContext context, SandboxConfiguration config) {
        this(
                config.bwrapCommand(),
                Arrays.stream(config.extraReadOnlyPaths())
                        .filter(p -> !p.isBlank())
                        .map(Path::of)
                        .toList(),
                Path.of(Optional.ofNullable(context.getProperty("procos.home")).orElse(".")));
    }

    /**
     * A sandbox that never shows {@code procosHome} (nor the user's home) except for the workspace a program
     * is started with; probes bubblewrap once, here.
     */
    public BubblewrapSandbox(String bwrapCommand, List<Path> extraReadOnly, Path procosHome) {
        Path home = procosHome.toAbsolutePath().normalize();
        this.hidden = List.of(
                home, Path.of(System.getProperty("user.home")).toAbsolutePath().normalize());
        this.readOnly = List.copyOf(extraReadOnly);
        this.bwrap = which(bwrapCommand).orElse(null);
        String problem = null;
        String version = "bubblewrap";
        boolean noUserns = false;
        if (bwrap == null) {
            problem = "bubblewrap ('" + bwrapCommand
                    + "') is not installed: install bubblewrap (Debian package bubblewrap: "
                    + "apt-get install bubblewrap) or set bwrapCommand in conf/" + SandboxConfiguration.PID
                    + ".cfg; until then "
                    + "tools that run code (matlab.run) refuse to run it";
        }
        for (Path p : readOnly) {
            if (problem != null) break;
            if (!p.isAbsolute()) {
                problem = "extra read-only path '" + p + "' in conf/" + SandboxConfiguration.PID
                        + ".cfg is not absolute: give a " + "full path such as /opt/matlab";
            } else if (p.normalize().startsWith(home)) {
                problem = "extra read-only path '" + p + "' in conf/" + SandboxConfiguration.PID
                        + ".cfg is inside the ProcOS home " + home
                        + ": the sandbox never shows ProcOS's own files; remove it";
            }
        }
        if (problem == null) {
            try {
                version = run(List.of(bwrap.toString(), "--version")).strip();
                noUserns = run(List.of(bwrap.toString(), "--help")).contains("--disable-userns");
            } catch (IOException e) {
                problem = "bubblewrap at " + bwrap + " does not run: " + e.getMessage();
            }
        }
        this.disableUserns = noUserns;
        this.name = version.isBlank() ? "bubblewrap" : version;
        this.unavailableReason = problem == null ? probe() : problem;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String unavailableReason() {
        return unavailableReason;
    }

    @Override
    public Process start(List<String> command, Workspace workspace, Path workdir, Map<String, String> environment)
            throws IOException {
        if (unavailableReason != null) throw new IOException(unavailableReason);
        if (command.isEmpty()) throw new IOException("no program to start");
        Path root = workspace.root();
        Path dir = workdir.toAbsolutePath().normalize();
        if (!dir.startsWith(root))
            throw new IOException("the working folder " + workdir + " is not inside the workspace " + root);
        List<String> args = arguments(root, dir, environment);
        args.add("--");
        args.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(args).directory(dir.toFile());
        builder.environment().clear(); // bwrap itself needs nothing of ProcOS's environment
        // bwrap dies with the thread that starts it (PR_SET_PDEATHSIG): callers wait for the process on that thread
        return builder.start();
    }

    /** The bwrap command line up to the program; package-private for tests. */
    List<String> arguments(Path root, Path workdir, Map<String, String> environment) {
        List<String> a = new ArrayList<>(List.of(
                bwrap.toString(),
                "--unshare-all",
                "--unshare-user", // unshare-all only tries the user namespace; without one, fail
                "--cap-drop",
                "ALL",
                "--die-with-parent",
                "--new-session", // new session: no TIOCSTI into ProcOS's terminal
                "--uid",
                NOBODY,
                "--gid",
                NOBODY,
                "--clearenv"));
        if (disableUserns) a.add("--disable-userns"); // bubblewrap 0.8+: no nested namespaces to probe the kernel with
        a.addAll(List.of("--ro-bind", "/usr", "/usr"));
        for (String top : TOP_LEVEL) {
            Path p = Path.of(top);
            if (Files.isSymbolicLink(p)) {
                try {
                    a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), top));
                } catch (IOException e) {
                    // unreadable link: leave it out, as if absent
                }
            } else if (Files.isDirectory(p)) {
                a.addAll(List.of("--ro-bind", top, top));
            }
        }
        for (String etc : ETC) a.addAll(List.of("--ro-bind-try", etc, etc));
        a.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        for (Path p : readOnly)
            a.addAll(List.of("--ro-bind-try", p.toString(), p.toString())); // after /tmp: may lie below it
        // a ProcOS home (or user home) below a folder bound above, e.g. /usr/local/procos, is covered by an empty
        // folder
        List<Path> bound = new ArrayList<>(List.of(Path.of("/usr")));
        ETC.forEach(e -> bound.add(Path.of(e)));
        bound.addAll(readOnly);
        for (Path h : hidden) {
            if (bound.stream().anyMatch(b -> h.startsWith(b.normalize()))) a.addAll(List.of("--tmpfs", h.toString()));
        }
        a.addAll(List.of("--bind", root.toString(), root.toString(), "--chdir", workdir.toString()));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", PATH);
        env.putAll(environment);
        env.put("HOME", "/tmp");
        env.forEach((k, v) -> a.addAll(List.of("--setenv", k, v)));
        return a;
    }

    /** Starts /bin/true in a throw-away workspace: the kernel or a container may forbid the namespaces. */
    private String probe() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("procos-sandbox-probe-");
            List<String> args = arguments(dir, dir, Map.of());
            args.add("--");
            args.add("true");
            run(args);
            return null;
        } catch (IOException e) {
            return "bubblewrap at " + bwrap + " cannot create the sandbox: " + e.getMessage()
                    + ". It needs user namespaces: "
                    + "sysctl user.max_user_namespaces must be above 0 (and kernel.apparmor_restrict_unprivileged_userns 0 on "
                    + "Ubuntu 24.04+); a container must allow them (e.g. docker run --security-opt seccomp=unconfined "
                    + "--security-opt apparmor=unconfined)";
        } finally {
            if (dir != null) dir.toFile().delete();
        }
    }

    /** Runs a short command and returns its output; an IOException says why it failed. */
    private static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try (var in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish within 20 s");
            }
            String text = out.get(5, TimeUnit.SECONDS);
            if (p.exitValue() != 0) throw new IOException("exit code " + p.exitValue() + ": " + text.strip());
            return text;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(command.get(0) + " left its output open", e);
        }
    }

    private static Optional<Path> which(String command) {
        if (command == null || command.isBlank()) return Optional.empty();
        if (command.contains(File.separator)) {
            Path p = Path.of(command);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }
}
