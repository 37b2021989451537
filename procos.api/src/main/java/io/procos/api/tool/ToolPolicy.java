package io.procos.api.tool;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which tools the tasks of a process may use. Written as a list separated by commas: tool names
 * ({@code matlab.run}), name patterns ({@code file.*}), {@link ToolReach} words ({@code writes-workspace}:
 * every tool all of whose reach is listed), {@code *} (every tool), and {@value #DEFAULT} (the
 * configured default). A process states it in the BPMN extension property {@value #PROPERTY}
 * ({@code camunda:property} on the process element); without one the configured default applies,
 * which out of the box is {@value #DEFAULT_SPEC}: no tool that runs code or reaches the network.
 */
public final class ToolPolicy {

    /** The BPMN extension property (on the process) that names what its tasks may use. */
    public static final String PROPERTY = "procos.tools";
    /** The word that stands for the configured default inside a policy. */
    public static final String DEFAULT = "default";
    /** The default out of the box. */
    public static final String DEFAULT_SPEC =
            ToolReach.READS_WORKSPACE + ", " + ToolReach.WRITES_WORKSPACE + ", " + ToolReach.MEMORY;

    private static final Pattern NAME = Pattern.compile("[a-z0-9_.*-]{1,64}");

    private final String spec;
    private final boolean everything;
    private final Set<String> reach;
    private final List<Pattern> names;

    private ToolPolicy(String spec, boolean everything, Set<String> reach, List<Pattern> names) {
        this.spec = spec;
        this.everything = everything;
        this.reach = Set.copyOf(reach);
        this.names = List.copyOf(names);
    }

    /** The out-of-the-box default, {@value #DEFAULT_SPEC}. */
    public static ToolPolicy standard() {
        return parse(DEFAULT_SPEC, null);
    }

    /**
     * Reads a policy. {@code fallback} is what {@value #DEFAULT} and an empty text stand for (the
     * out-of-the-box default when null).
     *
     * @throws IllegalArgumentException naming the entry that is no tool name, pattern or reach word
     */
    public static ToolPolicy parse(String spec, ToolPolicy fallback) {
        ToolPolicy base = fallback;
        if (spec == null || spec.isBlank()) return base != null ? base : parse(DEFAULT_SPEC, null);
        boolean everything = false;
        Set<String> reach = new LinkedHashSet<>();
        List<Pattern> names = new ArrayList<>();
        List<String> written = new ArrayList<>();
        for (String raw : spec.split("[,;\\s]+")) {
            String entry = raw.strip().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) continue;
            if (entry.equals(DEFAULT)) {
                ToolPolicy d = base != null ? base : parse(DEFAULT_SPEC, null);
                everything |= d.everything;
                reach.addAll(d.reach);
                names.addAll(d.names);
                written.add(d.spec);
            } else if (entry.equals("*")) {
                everything = true;
                written.add(entry);
            } else if (ToolReach.ALL.contains(entry)) {
                reach.add(entry);
                written.add(entry);
            } else if (NAME.matcher(entry).matches() && entry.contains(".")) {
                names.add(Pattern.compile(Pattern.quote(entry).replace("*", "\\E[a-z0-9_.-]*\\Q")));
                written.add(entry);
            } else {
                throw new IllegalArgumentException("'" + raw.strip() + "' in " + PROPERTY
                        + " is neither a tool name (like file.write " + "or file.*) nor one of "
                        + String.join(", ", ToolReach.ALL) + ", '*' or '" + DEFAULT + "'");
            }
        }
        return new ToolPolicy(String.join(", ", new LinkedHashSet<>(written)), everything, reach, names);
    }

    /** The policy as text, {@value #DEFAULT} expanded; {@link #parse} reads it back to the same policy. */
    public String spec() {
        return spec;
    }

    /** True when a task under this policy may use the tool. */
    public boolean permits(ToolDescriptor tool) {
        if (everything) return true;
        for (Pattern p : names) if (p.matcher(tool.name()).matches()) return true;
        return !reach.isEmpty() ? reach.containsAll(tool.reach()) : tool.reach().isEmpty();
    }

    /** The tools of {@code tools} that this policy permits, in their order. */
    public List<ToolDescriptor> filter(List<ToolDescriptor> tools) {
        return tools.stream().filter(this::permits).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ToolPolicy p && p.spec.equals(spec);
    }

    @Override
    public int hashCode() {
        return spec.hashCode();
    }

    @Override
    public String toString() {
        return spec;
    }
}
