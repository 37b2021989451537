package io.procos.api.testing;

import io.procos.api.llm.TextEmbedder;
import java.util.ServiceLoader;

/**
 * The offline text embedder outside OSGi, found the standard Java way: {@code procos.llm} names its
 * implementation in {@code META-INF/services}, so benchmarks on a plain class path need not know its class.
 */
public final class Embedders {

    private Embedders() {}

    public static TextEmbedder offline() {
        return ServiceLoader.load(TextEmbedder.class)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "no TextEmbedder on the class path: procos.llm (the offline embedding model) is missing"));
    }
}
