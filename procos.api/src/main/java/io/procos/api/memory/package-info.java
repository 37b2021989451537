/** What ProcOS remembers: items with meaning (vectors) and relations (a graph), recalled by meaning or asked of the graph. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.procos.api.memory;
