package io.procos.api.tool;

import java.util.List;

/**
 * A tool as the catalogue lists it: its contract, where it comes from, and what it can reach
 * (the {@link ToolReach} words its service declares in {@value ToolReach#PROPERTY}).
 */
public record ToolDescriptor(
        String name,
        String description,
        String inputSchema,
        String outputSchema,
        String bundle,
        String bundleVersion,
        long serviceId,
        int ranking,
        List<String> reach) {

    public ToolDescriptor {
        reach = reach == null ? List.of() : List.copyOf(reach);
    }

    /** A tool that declares no reach: it computes from its input only. */
    public ToolDescriptor(
            String name,
            String description,
            String inputSchema,
            String outputSchema,
            String bundle,
            String bundleVersion,
            long serviceId,
            int ranking) {
        this(name, description, inputSchema, outputSchema, bundle, bundleVersion, serviceId, ranking, List.of());
    }
}
