/** The task executor's decision: which tool does a task described in words, with which arguments. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.4.0")
package io.procos.api.tde;
