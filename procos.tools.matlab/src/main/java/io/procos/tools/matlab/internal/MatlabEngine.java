package io.procos.tools.matlab.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Which program runs scripts: MATLAB where installed, else GNU Octave; and how each is called. */
record MatlabEngine(String kind, Path executable) {

    static Optional<MatlabEngine> find(String matlabCommand, String octaveCommand) {
        return which(matlabCommand).map(p -> new MatlabEngine("MATLAB", p)).or(() -> which(octaveCommand)
                .map(p -> new MatlabEngine("GNU Octave", p)));
    }

    /** The command line that runs a script file and exits with non-zero status on error. */
    List<String> command(Path script) {
        String quoted = script.toString().replace("'", "''");
        return "MATLAB".equals(kind)
                ? List.of(executable.toString(), "-batch", "run('" + quoted + "')")
                : List.of(
                        executable.toString(),
                        "--quiet",
                        "--no-window-system",
                        "--norc",
                        "--eval",
                        "source('" + quoted + "')");
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
