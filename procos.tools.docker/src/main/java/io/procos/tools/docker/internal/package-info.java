/** ProcOS Docker tool: implementation. Not exported. */
package io.procos.tools.docker.internal;
