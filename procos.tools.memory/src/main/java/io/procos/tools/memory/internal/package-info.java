/** ProcOS memory tools: implementation. Not exported. */
package io.procos.tools.memory.internal;
