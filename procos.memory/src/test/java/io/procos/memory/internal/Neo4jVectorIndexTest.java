package io.procos.memory.internal;

import io.procos.memory.spi.VectorStore;

/** The vector store contract against the Neo4j vector index of the embedded server. */
class Neo4jVectorIndexTest extends VectorStoreContractTest {
    @Override
    protected VectorStore store() throws Exception {
        Neo4jGraph graph = TestGraph.graph();
        graph.ensureSchema(384);
        return graph;
    }
}
