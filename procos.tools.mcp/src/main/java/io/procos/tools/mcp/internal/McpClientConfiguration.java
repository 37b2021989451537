package io.procos.tools.mcp.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One MCP server whose tools become ProcOS tools: factory PID {@value #FACTORY_PID}, a file per server
 * ({@code conf/io.procos.mcp.client-<name>.cfg}). Removing the file removes the server's tools.
 */
@ObjectClassDefinition(
        name = "ProcOS MCP server as a tool source",
        description = "Starts an MCP server (stdio) in the sandbox, or connects to one (Streamable HTTP), and offers"
                + " each of its tools as a ProcOS tool.")
public @interface McpClientConfiguration {

    String FACTORY_PID = "io.procos.mcp.client";

    @AttributeDefinition(
            name = "Name",
            description = "Prefix of the server's tools (<name>.<tool>); empty: the part of the file name after "
                    + "'io.procos.mcp.client-'.",
            required = false)
    String name() default "";

    @AttributeDefinition(
            name = "Command",
            description = "The program and its arguments, separated by spaces (double quotes keep spaces in an "
                    + "argument), started in the server's folder data/mcp/<name> inside the sandbox, which sees the "
                    + "system's programs read-only, that folder read-write, and no network. Example: node "
                    + "node_modules/@modelcontextprotocol/server-everything/dist/index.js stdio")
    String command() default "";

    @AttributeDefinition(
            name = "URL",
            description = "Instead of a command: the server's Streamable HTTP endpoint (http or https), e.g. "
                    + "http://127.0.0.1:3001/mcp. Its tools reach the network.",
            required = false)
    String url() default "";

    @AttributeDefinition(
            name = "Authorization",
            description = "With a URL: the Authorization header sent with every request, e.g. Bearer <token>.",
            required = false,
            type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String authorization() default "";

    @AttributeDefinition(
            name = "Reach",
            description = "What the server's tools can reach beyond their input, as ProcOS tool reach words "
                    + "(reads-workspace, writes-workspace, runs-code, network, memory); a process's tool policy "
                    + "decides whether its tasks may use them. Empty: they compute from their input (the sandbox "
                    + "lets the server see nothing else).",
            required = false)
    String[] reach() default {};

    @AttributeDefinition(name = "Call time limit (s)", description = "A tool call that takes longer fails.")
    int callTimeoutSeconds() default 60;

    @AttributeDefinition(
            name = "Longest wait before a restart (s)",
            description = "A server that ends is started again after 1 s, then 2, 4, … up to this.")
    int maxRestartDelaySeconds() default 60;
}
