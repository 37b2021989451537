/** ProcOS file tools: implementation. Not exported. */
package io.procos.tools.file.internal;
