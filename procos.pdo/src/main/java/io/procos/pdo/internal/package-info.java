/** ProcOS PDO: implementation. Not exported. */
package io.procos.pdo.internal;
