/** ProcOS TDE: implementation. Not exported. */
package io.procos.tde.internal;
