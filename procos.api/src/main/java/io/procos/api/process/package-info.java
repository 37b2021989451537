/**
 * Processes as ProcOS bundles see them: deploy BPMN, start domain processes (each driven by its
 * orchestrator), and inspect instances with every task's decision and outcome. The BPMN engine
 * behind it is {@code procos.pdo}'s business.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.2.0")
package io.procos.api.process;
