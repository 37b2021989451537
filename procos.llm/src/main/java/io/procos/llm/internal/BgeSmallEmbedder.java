package io.procos.llm.internal;

import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;

/**
 * BAAI's bge-small-en-v1.5, quantized to 8 bits (34 MB of ONNX), run in process through ONNX Runtime: 384
 * dimensions, CLS pooling; chosen with {@code model=bge-small-en-v1.5} in {@code io.procos.llm.embedder}. About a
 * third less memory than all-MiniLM-L6-v2, loads faster, about as fast per text, and no more accurate at picking
 * tools (the module's README has the figures).
 * Texts are embedded as they are: TextEmbedder does not say which texts are queries, so BGE's instruction for
 * short queries ({@link #QUERY_INSTRUCTION}) is not added. Its cosine similarities are higher across the board
 * (a task no tool fits scores about 0.6 against the closest tool, 0.3 with all-MiniLM-L6-v2): thresholds and
 * stored vectors made with one model do not carry over to the other.
 */
public final class BgeSmallEmbedder extends InProcessEmbedder {

    /** The value of the embedder component's {@code model} attribute that chooses this model. */
    static final String ID = "bge-small-en-v1.5";

    /** What BGE suggests putting before short queries that look for passages. */
    static final String QUERY_INSTRUCTION = "Represent this sentence for searching relevant passages: ";

    /** Loads the model (about 1 s). */
    public BgeSmallEmbedder() {
        super("bge-small-en-v1.5, quantized (in process, ONNX)", 384, BgeSmallEnV15QuantizedEmbeddingModel::new);
    }
}
