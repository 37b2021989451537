/** ProcOS sandbox: implementation. Not exported. */
package io.procos.sandbox.internal;
