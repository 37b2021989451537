package io.procos.api.llm;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Turns text into vectors whose cosine similarity reflects meaning. Registered once the model is
 * loaded; planners and memory use it to rank tools, recall past tasks and search.
 */
@ProviderType
public interface TextEmbedder {

    /** Which model, and where it runs, e.g. "all-MiniLM-L6-v2 (in process, ONNX)". */
    String model();

    int dimensions();

    /** A unit-length vector: the dot product of two of them is their cosine similarity. */
    float[] embed(String text);

    List<float[]> embedAll(List<String> texts);
}
