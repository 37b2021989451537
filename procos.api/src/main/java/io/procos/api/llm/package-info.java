/** Language models as ProcOS sees them: text embeddings (always in process) and, when configured, chat models. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.procos.api.llm;
