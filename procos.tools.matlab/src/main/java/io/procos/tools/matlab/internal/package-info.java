/** ProcOS MATLAB tool: implementation. Not exported. */
package io.procos.tools.matlab.internal;
