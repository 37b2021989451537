package io.procos.memory.weaviate.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.procos.memory.internal.VectorStoreContractTest;
import io.procos.memory.spi.VectorStore;

/** The vector store contract against a real Weaviate, when PROCOS_WEAVIATE_URL names one; skipped (and reported so) otherwise. */
class WeaviateVectorStoreTest extends VectorStoreContractTest {
    @Override
    protected VectorStore store() throws Exception {
        String url = System.getenv("PROCOS_WEAVIATE_URL");
        assumeTrue(
                url != null && !url.isBlank(),
                "skipped: no Weaviate server here; set PROCOS_WEAVIATE_URL (and PROCOS_WEAVIATE_API_KEY) to run the contract against one");
        return new WeaviateStore(url, System.getenv("PROCOS_WEAVIATE_API_KEY"), "ProcosContractTest");
    }
}
