package io.procos.das.internal;

import io.procos.api.tool.ToolPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The tools beyond the default that a person's command asks for in words. Out of the box a process may
 * use no tool that runs code; a command that says "in MATLAB" or "run the container" grants the process it
 * generates that one tool, by name, and nothing else (the {@value ToolPolicy#PROPERTY} property of the
 * BPMN, which a person can read and change in any modeller). Task text and variables grant nothing: only
 * the command's own words count.
 */
final class RequestedTools {

    private static final Pattern MATLAB =
            Pattern.compile("(?i)\\b(matlab|octave)\\b|[\\w/-]{2,}\\.m\\b(?!\\.)"); // a .m file, not "9 a.m."
    private static final Pattern CONTAINER =
            Pattern.compile("(?i)\\b(docker|containers?|container image|image named)\\b");

    private RequestedTools() {}

    /** The policy to write into the process, or null when the default is enough. */
    static String policy(String command) {
        if (command == null) return null;
        List<String> extra = new ArrayList<>();
        if (MATLAB.matcher(command).find()) extra.add("matlab.run");
        if (CONTAINER.matcher(command).find()) extra.add("docker.run");
        return extra.isEmpty() ? null : ToolPolicy.DEFAULT + ", " + String.join(", ", extra);
    }
}
