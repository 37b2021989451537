/** The assistant: plain-language commands become validated, deployed, running BPMN processes. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.procos.api.das;
