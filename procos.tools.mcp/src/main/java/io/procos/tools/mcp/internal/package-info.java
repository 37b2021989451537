/** ProcOS MCP client tools: implementation. Not exported. */
package io.procos.tools.mcp.internal;
