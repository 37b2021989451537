/**
 * Tools: deterministic capabilities that third parties add by registering a {@link io.procos.api.tool.Tool}
 * service (usually a bundle dropped into {@code tools/}). The shape follows an MCP tool (name, description,
 * input schema, structured content, isError) so tools can be bridged to and from MCP.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.procos.api.tool;
