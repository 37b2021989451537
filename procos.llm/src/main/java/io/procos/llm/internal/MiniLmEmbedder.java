package io.procos.llm.internal;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;

/** all-MiniLM-L6-v2 run in process through ONNX Runtime: 384 dimensions, mean pooling, no network, no set-up. */
public final class MiniLmEmbedder extends InProcessEmbedder {

    /** The value of the embedder component's {@code model} attribute that chooses this model. */
    static final String ID = "all-minilm-l6-v2";

    /** Loads the model (1–2 s). */
    public MiniLmEmbedder() {
        super("all-MiniLM-L6-v2 (in process, ONNX)", 384, AllMiniLmL6V2EmbeddingModel::new);
    }
}
