package io.procos.llm.internal;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.procos.api.llm.TextEmbedder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A LangChain4j embedding model run in process through ONNX Runtime, with unit-length vectors. The models are
 * deterministic, so the vectors of recently embedded texts are kept (at most {@value #CACHED} texts of up to
 * {@value #CACHED_LENGTH} characters, least recently used go): a process run again and again has the same task
 * texts, which the planner, memory's recall and the tool catalogue would otherwise embed for every task.
 */
abstract class InProcessEmbedder implements TextEmbedder {

    static final int CACHED = 1024;
    static final int CACHED_LENGTH = 2000;

    private final String name;
    private final int dimensions;
    private final EmbeddingModel model;
    private final LinkedHashMap<String, float[]> recent = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > CACHED;
        }
    };

    /**
     * Loads the model (1–2 s). LangChain4j finds the model's files through the context class loader, so that is
     * this bundle's while the model is built (its class loads them once, in its static initialiser).
     */
    InProcessEmbedder(String name, int dimensions, Supplier<? extends EmbeddingModel> load) {
        this.name = name;
        this.dimensions = dimensions;
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(InProcessEmbedder.class.getClassLoader());
        try {
            this.model = load.get();
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    @Override
    public String model() {
        return name;
    }

    @Override
    public int dimensions() {
        return dimensions;
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
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            out[i] = cached(nonBlank(texts.get(i)));
            if (out[i] == null) missing.add(i);
        }
        if (!missing.isEmpty()) {
            List<float[]> computed = model
                    .embedAll(missing.stream()
                            .map(i -> TextSegment.from(nonBlank(texts.get(i))))
                            .toList())
                    .content()
                    .stream()
                    .map(InProcessEmbedder::normalized)
                    .toList();
            for (int j = 0; j < missing.size(); j++) {
                int i = missing.get(j);
                keep(nonBlank(texts.get(i)), computed.get(j));
                out[i] = computed.get(j).clone();
            }
        }
        return Arrays.asList(out);
    }

    private static String nonBlank(String text) {
        return text == null || text.isBlank() ? " " : text;
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
