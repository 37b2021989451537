package io.procos.tools.matlab.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.procos.api.tool.Sandbox;
import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolContext;
import io.procos.api.tool.ToolReach;
import io.procos.api.tool.ToolResult;
import io.procos.api.tool.Workspace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * matlab.run: a MATLAB script, inline or a file in the workspace, run in the workspace with a time
 * limit inside the operating-system {@link Sandbox} (no network, nothing of ProcOS but the workspace);
 * returns stdout, stderr and the requested variables as JSON (via jsonencode, which MATLAB and Octave
 * both have). Without a working sandbox it runs nothing. Scripts that plainly start programs are
 * refused early with a friendlier message, but the sandbox is the boundary, not that check.
 */
@Component(
        service = Tool.class,
        property = {
            ToolReach.PROPERTY + "=" + ToolReach.RUNS_CODE,
            ToolReach.PROPERTY + "=" + ToolReach.READS_WORKSPACE,
            ToolReach.PROPERTY + "=" + ToolReach.WRITES_WORKSPACE
        })
public final class MatlabRunTool implements Tool {

    static final String MARKER = "@@PROCOS-VARIABLES@@";
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,62}");
    private static final Pattern ESCAPE = Pattern.compile(
            "(?m)(\\b(system|unix|dos|shell_cmd|popen|popen2|fork|exec|perl|python|pyrun|javaObject|javaMethod|java_get|java_set|loadlibrary|evalc?)\\s*\\(|^\\s*!)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<Optional<MatlabEngine>> engine;
    private final Supplier<Optional<Sandbox>> sandbox;
    private final Workspace workspace;
    private final MatlabConfiguration config;

    @Activate
    public MatlabRunTool(@Reference MatlabEnvironment environment) {
        this(environment::engine, environment::sandbox, environment.workspace(), environment.config());
    }

    MatlabRunTool(
            Supplier<Optional<MatlabEngine>> engine,
            Supplier<Optional<Sandbox>> sandbox,
            Workspace workspace,
            MatlabConfiguration config) {
        this.engine = engine;
        this.sandbox = sandbox;
        this.workspace = workspace;
        this.config = config;
    }

    @Override
    public String name() {
        return "matlab.run";
    }

    @Override
    public String description() {
        return "Runs a MATLAB script (inline code, or a .m file in the ProcOS workspace) with MATLAB, or GNU Octave where MATLAB "
                + "is not installed, and returns its printed output and the values of the variables you name (matrices as nested "
                + "arrays). Use it for numeric work: matrices, statistics, signal processing, engineering calculations. The script "
                + "runs in a sandbox: it sees only the workspace and has no network.";
    }

    @Override
    public String inputSchema() {
        return """
            {"type":"object","additionalProperties":false,"properties":{
              "script":{"type":"string","description":"MATLAB code to run"},
              "file":{"type":"string","description":"a .m file in the workspace to run instead of inline code"},
              "variables":{"type":"array","items":{"type":"string"},"description":"names of variables to return as JSON"},
              "workdir":{"type":"string","description":"workspace folder to run in (default: the workspace)"},
              "timeoutSeconds":{"type":"integer","minimum":1}},
             "oneOf":[{"required":["script"]},{"required":["file"]}]}""";
    }

    @Override
    public ToolResult invoke(Map<String, Object> input, ToolContext context) throws Exception {
        Optional<MatlabEngine> found = engine.get();
        if (found.isEmpty()) {
            return ToolResult.error("neither MATLAB ('" + config.matlabCommand() + "') nor GNU Octave ('"
                    + config.octaveCommand() + "') is installed on this machine");
        }
        Optional<Sandbox> box = sandbox.get();
        String unavailable = box.isEmpty()
                ? "no sandbox service is running (the bundle procos.sandbox is not started)"
                : box.get().unavailableReason();
        if (unavailable != null) {
            return ToolResult.error(
                    "matlab.run runs scripts only inside an operating-system sandbox, and none is available: "
                            + unavailable);
        }
        String code;
        try {
            if (input.get("script") instanceof String s && !s.isBlank()) {
                code = s;
            } else if (input.get("file") instanceof String f) {
                Path file = workspace.resolve(f);
                if (!Files.isRegularFile(file)) return ToolResult.error("no file '" + f + "' in the workspace");
                try {
                    code = ScriptFolder.read(workspace.root(), file);
                } catch (IOException e) {
                    return ToolResult.error("could not read '" + f + "' from the workspace: " + e.getMessage());
                }
            } else {
                return ToolResult.error("give 'script' (MATLAB code) or 'file' (a .m file in the workspace)");
            }
        } catch (Workspace.Refused e) {
            return ToolResult.error(e.getMessage());
        }
        Matcher escape = ESCAPE.matcher(code);
        if (escape.find()) {
            return ToolResult.error(
                    "the script uses '" + escape.group().strip() + "', which could start programs outside the "
                            + "workspace; matlab.run refuses it (compute in MATLAB itself, or run such code with docker.run)");
        }
        List<String> variables = new ArrayList<>();
        if (input.get("variables") instanceof List<?> names) {
            for (Object n : names) {
                if (!NAME.matcher(String.valueOf(n)).matches())
                    return ToolResult.error("'" + n + "' is not a MATLAB variable name");
                variables.add(String.valueOf(n));
            }
        }
        Path workdir;
        try {
            workdir = input.get("workdir") == null
                    ? workspace.root()
                    : workspace.resolve(input.get("workdir").toString());
        } catch (Workspace.Refused e) {
            return ToolResult.error(e.getMessage());
        }
        int timeout = input.get("timeoutSeconds") instanceof Number n ? n.intValue() : config.defaultTimeoutSeconds();
        timeout = Math.max(1, Math.min(timeout, config.maxTimeoutSeconds()));
        long remaining = Duration.between(Instant.now(), context.deadline()).toSeconds();
        if (remaining > 0) timeout = (int) Math.min(timeout, remaining);

        // a missing workdir is made by the script inside the sandbox: made here, a swapped link could lead it outside
        Path startIn = Files.isDirectory(workdir) ? workdir : workspace.root();
        try (ScriptFolder folder = ScriptFolder.create(workspace.root(), wrapper(code, variables, workdir))) {
            Process process;
            try {
                process = box.get().start(found.get().command(folder.script()), workspace, startIn, environment());
            } catch (IOException e) {
                return ToolResult.error("the sandbox (" + box.get().name() + ") could not start "
                        + found.get().kind() + ": " + e.getMessage());
            }
            process.getOutputStream().close();
            CompletableFuture<String> out = read(process.getInputStream());
            CompletableFuture<String> err = read(process.getErrorStream());
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
            while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
                if (context.cancelled() || System.nanoTime() > end) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    return ToolResult.error(
                            context.cancelled()
                                    ? "matlab.run was cancelled; the script was stopped"
                                    : "the script did not finish within " + timeout + " s and was stopped");
                }
            }
            String stdout = out.get(5, TimeUnit.SECONDS);
            String stderr = clean(err.get(5, TimeUnit.SECONDS));
            Map<String, Object> values = new LinkedHashMap<>();
            int marker = stdout.lastIndexOf(MARKER);
            if (marker >= 0) {
                String json = stdout.substring(marker + MARKER.length()).strip();
                @SuppressWarnings("unchecked")
                Map<String, Object> parsed = JSON.readValue(json, Map.class);
                values.putAll(parsed);
                stdout = stdout.substring(0, marker).stripTrailing();
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("engine", found.get().kind());
            result.put("exitCode", process.exitValue());
            result.put("stdout", stdout);
            result.put("stderr", stderr);
            result.put("variables", values);
            if (process.exitValue() != 0) {
                return new ToolResult(
                        result,
                        "the script failed (" + found.get().kind() + ", exit code " + process.exitValue() + "): "
                                + (stderr.isBlank() ? stdout : stderr).strip(),
                        true);
            }
            List<String> missing =
                    variables.stream().filter(v -> !values.containsKey(v)).toList();
            return ToolResult.ok(
                    result,
                    "ran with " + found.get().kind()
                            + (missing.isEmpty() ? "" : "; not defined by the script: " + missing));
        }
    }

    /** The locale and time zone of ProcOS, nothing else of its environment. */
    private static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : List.of("LANG", "LC_ALL", "TZ")) {
            String value = System.getenv(name);
            if (value != null) env.put(name, value);
        }
        return env;
    }

    /** The user's code, then the requested variables printed as one JSON object after a marker line. */
    static String wrapper(String code, List<String> variables, Path workdir) {
        StringBuilder m = new StringBuilder();
        String dir = "'" + workdir.toString().replace("'", "''") + "'";
        m.append("if ~exist(")
                .append(dir)
                .append(", 'dir'), mkdir(")
                .append(dir)
                .append("); end, cd(")
                .append(dir)
                .append(");\n");
        m.append(code).append("\n");
        m.append("procos_out__ = struct();\n");
        for (String v : variables) {
            m.append("if exist('")
                    .append(v)
                    .append("', 'var'), procos_out__.")
                    .append(v)
                    .append(" = ")
                    .append(v)
                    .append("; end\n");
        }
        m.append("fprintf('\\n").append(MARKER).append("%s\\n', jsonencode(procos_out__));\n");
        return m.toString();
    }

    /** Octave says this at every exit; it means nothing to a user. */
    private static String clean(String stderr) {
        return stderr.lines()
                .filter(l -> !l.contains("ignoring const execution_exception"))
                .reduce((a, b) -> a + "\n" + b)
                .orElse("");
    }

    private CompletableFuture<String> read(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    if (bytes.size() < config.maxOutputBytes() + MARKER.length() + 1024 * 1024)
                        bytes.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // the process was killed
            }
            String s = bytes.toString(StandardCharsets.UTF_8);
            int marker = s.lastIndexOf(MARKER);
            String text = marker >= 0 ? s.substring(0, marker) : s;
            String tail = marker >= 0 ? s.substring(marker) : "";
            return (text.length() > config.maxOutputBytes()
                            ? text.substring(0, config.maxOutputBytes()) + "\n[output cut]\n"
                            : text)
                    + tail;
        });
    }
}
