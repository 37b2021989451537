package io.procos.llm.internal;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.procos.api.llm.TextEmbedder;
import java.util.List;

/**
 * all-MiniLM-L6-v2 run in process through ONNX Runtime: 384 dimensions, no network, no set-up. The model is
 * deterministic, so the vectors of recently embedded texts are kept (at most {@value #CACHED} texts of up to
 * {@value #CACHED_LENGTH} characters, least recently used go): a process run again and again has the same task
 * texts, which the planner, memory's recall and the tool catalogue would otherwise embed for every task.
 */
public final class MiniLmEmbedder implements TextEmbedder {

    static final int CACHED = 1024;
    static final int CACHED_LENGTH = 2000;

    private final AllMiniLmL6V2EmbeddingModel model;
    private final java.util.LinkedHashMap<String, float[]> recent = new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, float[]> eldest) {
            return size() > CACHED;
        }
    };

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
        String t = text == null ? "" : text;
        float[] known = cached(t);
        if (known != null) return known;
        float[] v = normalized(model.embed(t).content());
        keep(t, v);
        return v.clone();
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        float[][] out = new float[texts.size()][];
        List<Integer> missing = new java.util.ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            String t = texts.get(i) == null || texts.get(i).isBlank() ? " " : texts.get(i);
            out[i] = cached(t);
            if (out[i] == null) missing.add(i);
        }
        if (!missing.isEmpty()) {
            List<float[]> computed = model
                    .embedAll(missing.stream()
                            .map(i -> TextSegment.from(
                                    texts.get(i) == null || texts.get(i).isBlank() ? " " : texts.get(i)))
                            .toList())
                    .content()
                    .stream()
                    .map(MiniLmEmbedder::normalized)
                    .toList();
            for (int j = 0; j < missing.size(); j++) {
                int i = missing.get(j);
                String t = texts.get(i) == null || texts.get(i).isBlank() ? " " : texts.get(i);
                keep(t, computed.get(j));
                out[i] = computed.get(j).clone();
            }
        }
        return java.util.Arrays.asList(out);
    }

    /** A copy: callers may change what they get. */
    private float[] cached(String text) {
        if (text.length() > CACHED_LENGTH) return null;
        synchronized (recent) {
            float[] v = recent.get(text);
            return v == null ? null : v.clone();
        }
    }

    private void keep(String text, float[] vector) {
        if (text.length() > CACHED_LENGTH) return;
        synchronized (recent) {
            recent.put(text, vector.clone());
        }
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
