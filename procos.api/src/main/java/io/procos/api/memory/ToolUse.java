package io.procos.api.memory;

import java.util.List;

/** How a tool did on tasks like one given: how often it was chosen, how often that worked, for which tasks. */
public record ToolUse(String tool, int uses, int successes, List<String> examples) {}
