/** What another bundle implements to keep memory's vectors: {@link io.procos.memory.spi.VectorStore}. */
@Export
@Version("1.0.0")
package io.procos.memory.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
