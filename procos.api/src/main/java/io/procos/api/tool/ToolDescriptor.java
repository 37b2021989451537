package io.procos.api.tool;

/** A tool as the catalogue lists it: its contract and where it comes from. */
public record ToolDescriptor(String name, String description, String inputSchema, String outputSchema,
        String bundle, String bundleVersion, long serviceId, int ranking) {}
