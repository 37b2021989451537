package io.procos.tools.matlab.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolContext;
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

/**
 * matlab.run: a MATLAB script, inline or a file in the workspace, run in the workspace with a time
 * limit; returns stdout, stderr and the requested variables as JSON (via jsonencode, which MATLAB and
 * Octave both have). Scripts that would start other programs are refused; beyond that the script runs
 * with ProcOS's rights, so this is a guard, not a sandbox (use docker.run for untrusted code).
 */
final class MatlabRunTool implements Tool {

    static final String MARKER = "@@PROCOS-VARIABLES@@";
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,62}");
    private static final Pattern ESCAPE = Pattern.compile(
            "(?m)(\\b(system|unix|dos|shell_cmd|popen|popen2|fork|exec|perl|python|pyrun|javaObject|javaMethod|java_get|java_set|loadlibrary|evalc?)\\s*\\(|^\\s*!)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<Optional<MatlabEngine>> engine;
    private final Workspace workspace;
    private final MatlabConfiguration config;

    MatlabRunTool(Supplier<Optional<MatlabEngine>> engine, Workspace workspace, MatlabConfiguration config) {
        this.engine = engine;
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
                + "arrays). Use it for numeric work: matrices, statistics, signal processing, engineering calculations.";
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
            return ToolResult.error("neither MATLAB ('" + config.matlabCommand() + "') nor GNU Octave ('" + config.octaveCommand()
                    + "') is installed on this machine");
        }
        String code;
        try {
            if (input.get("script") instanceof String s && !s.isBlank()) {
                code = s;
            } else if (input.get("file") instanceof String f) {
                Path file = workspace.resolve(f);
                if (!Files.isRegularFile(file)) return ToolResult.error("no file '" + f + "' in the workspace");
                code = Files.readString(file);
            } else {
                return ToolResult.error("give 'script' (MATLAB code) or 'file' (a .m file in the workspace)");
            }
        } catch (Workspace.Refused e) {
            return ToolResult.error(e.getMessage());
        }
        Matcher escape = ESCAPE.matcher(code);
        if (escape.find()) {
            return ToolResult.error("the script uses '" + escape.group().strip() + "', which could start programs outside the "
                    + "workspace; matlab.run refuses it (run such code with docker.run)");
        }
        List<String> variables = new ArrayList<>();
        if (input.get("variables") instanceof List<?> names) {
            for (Object n : names) {
                if (!NAME.matcher(String.valueOf(n)).matches()) return ToolResult.error("'" + n + "' is not a MATLAB variable name");
                variables.add(String.valueOf(n));
            }
        }
        Path workdir;
        try {
            workdir = input.get("workdir") == null ? workspace.root() : workspace.resolve(input.get("workdir").toString());
        } catch (Workspace.Refused e) {
            return ToolResult.error(e.getMessage());
        }
        Files.createDirectories(workdir);
        int timeout = input.get("timeoutSeconds") instanceof Number n ? n.intValue() : config.defaultTimeoutSeconds();
        timeout = Math.max(1, Math.min(timeout, config.maxTimeoutSeconds()));
        long remaining = Duration.between(Instant.now(), context.deadline()).toSeconds();
        if (remaining > 0) timeout = (int) Math.min(timeout, remaining);

        Path dir = Files.createTempDirectory("procos-matlab-");
        try {
            Path script = dir.resolve("procos_run.m");
            Files.writeString(script, wrapper(code, variables, workdir));
            Process process = new ProcessBuilder(found.get().command(script)).directory(workdir.toFile()).start();
            process.getOutputStream().close();
            CompletableFuture<String> out = read(process.getInputStream());
            CompletableFuture<String> err = read(process.getErrorStream());
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
            while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
                if (context.cancelled() || System.nanoTime() > end) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    return ToolResult.error(context.cancelled() ? "matlab.run was cancelled; the script was stopped"
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
                return new ToolResult(result, "the script failed (" + found.get().kind() + ", exit code " + process.exitValue() + "): "
                        + (stderr.isBlank() ? stdout : stderr).strip(), true);
            }
            List<String> missing = variables.stream().filter(v -> !values.containsKey(v)).toList();
            return ToolResult.ok(result, "ran with " + found.get().kind() + (missing.isEmpty() ? "" : "; not defined by the script: " + missing));
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The user's code, then the requested variables printed as one JSON object after a marker line. */
    static String wrapper(String code, List<String> variables, Path workdir) {
        StringBuilder m = new StringBuilder();
        m.append("cd('").append(workdir.toString().replace("'", "''")).append("');\n");
        m.append(code).append("\n");
        m.append("procos_out__ = struct();\n");
        for (String v : variables) {
            m.append("if exist('").append(v).append("', 'var'), procos_out__.").append(v).append(" = ").append(v).append("; end\n");
        }
        m.append("fprintf('\\n").append(MARKER).append("%s\\n', jsonencode(procos_out__));\n");
        return m.toString();
    }

    /** Octave says this at every exit; it means nothing to a user. */
    private static String clean(String stderr) {
        return stderr.lines().filter(l -> !l.contains("ignoring const execution_exception"))
                .reduce((a, b) -> a + "\n" + b).orElse("");
    }

    private CompletableFuture<String> read(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    if (bytes.size() < config.maxOutputBytes() + MARKER.length() + 1024 * 1024) bytes.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // the process was killed
            }
            String s = bytes.toString(StandardCharsets.UTF_8);
            int marker = s.lastIndexOf(MARKER);
            String text = marker >= 0 ? s.substring(0, marker) : s;
            String tail = marker >= 0 ? s.substring(marker) : "";
            return (text.length() > config.maxOutputBytes() ? text.substring(0, config.maxOutputBytes()) + "\n[output cut]\n" : text) + tail;
        });
    }
}
