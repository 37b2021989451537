/** Implementation of ProcOS's HTTP front door; not exported. */
package io.procos.web.internal;
