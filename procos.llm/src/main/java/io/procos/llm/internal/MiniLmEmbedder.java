package io.procos.llm.internal;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.procos.api.llm.TextEmbedder;
import java.util.List;

/** all-MiniLM-L6-v2 run in process through ONNX Runtime: 384 dimensions, no network, no set-up. */
public final class MiniLmEmbedder implements TextEmbedder {

    private final AllMiniLmL6V2EmbeddingModel model;

    /** Loads the model (1–2 s); it finds its files through the context class loader, so that is set here. */
    public MiniLmEmbedder() {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(MiniLmEmbedder.class.getClassLoader());
        try {
            this.model = new AllMiniLmL6V2EmbeddingModel();
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    @Override
    public String model() {
        return "all-MiniLM-L6-v2 (in process, ONNX)";
    }

    @Override
    public int dimensions() {
        return 384;
    }

    @Override
    public float[] embed(String text) {
        return normalized(model.embed(text == null ? "" : text).content());
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        return model
                .embedAll(texts.stream()
                        .map(s -> TextSegment.from(s == null || s.isBlank() ? " " : s))
                        .toList())
                .content()
                .stream()
                .map(MiniLmEmbedder::normalized)
                .toList();
    }

    private static float[] normalized(Embedding embedding) {
        float[] v = embedding.vector();
        double norm = 0;
        for (float x : v) norm += x * x;
        norm = Math.sqrt(norm);
        if (norm > 0) for (int i = 0; i < v.length; i++) v[i] = (float) (v[i] / norm);
        return v;
    }
}
