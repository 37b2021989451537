/** ProcOS DAS: implementation. Not exported. */
package io.procos.das.internal;
