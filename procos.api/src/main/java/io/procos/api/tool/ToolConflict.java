package io.procos.api.tool;

import java.util.List;

/** Several services claim one tool name: which one is used, which are not, and why. */
public record ToolConflict(String name, ToolDescriptor winner, List<ToolDescriptor> shadowed, String reason) {

    public ToolConflict {
        shadowed = List.copyOf(shadowed);
    }
}
