/** ProcOS memory: implementation. Not exported. */
package io.procos.memory.internal;
