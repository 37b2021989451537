package io.procos.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.procos.api.llm.TextEmbedder;
import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The real models (all-MiniLM-L6-v2 and bge-small-en-v1.5): meaning, not words, decides what is close. */
class InProcessEmbedderTest {

    static final MiniLmEmbedder MINI_LM = new MiniLmEmbedder();
    static final BgeSmallEmbedder BGE = new BgeSmallEmbedder();

    static Stream<TextEmbedder> embedders() {
        return Stream.of(MINI_LM, BGE);
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) dot += a[i] * b[i];
        return dot;
    }

    @ParameterizedTest
    @MethodSource("embedders")
    void sentencesThatMeanTheSameAreCloserThanUnrelatedOnes(TextEmbedder embedder) {
        List<float[]> v = embedder.embedAll(List.of(
                "Save these meeting notes to a file",
                "Write the minutes of the meeting to disk",
                "Compute the eigenvalues of the stiffness matrix"));
        assertThat(v).allSatisfy(x -> assertThat(x).hasSize(embedder.dimensions()));
        assertThat(cosine(v.get(0), v.get(0))).isCloseTo(1.0, Offset.offset(1e-4));
        assertThat(cosine(v.get(0), v.get(1))).isGreaterThan(cosine(v.get(0), v.get(2)) + 0.2);
        assertThat(embedder.embed("Write the minutes of the meeting to disk")).containsExactly(v.get(1));
    }

    @ParameterizedTest
    @MethodSource("embedders")
    void aTextEmbeddedAgainGetsTheSameVectorFasterAndACallerCannotSpoilIt(TextEmbedder embedder) {
        String text = "Reconcile the November invoices with the bank statement";
        long a = System.nanoTime();
        float[] first = embedder.embed(text);
        long b = System.nanoTime();
        first[0] = 42; // a caller changing its copy
        float[] again = embedder.embed(text);
        long c = System.nanoTime();
        assertThat(again[0]).isNotEqualTo(42);
        assertThat(cosine(again, embedder.embedAll(List.of("other words", text)).get(1)))
                .isGreaterThan(0.9999);
        System.out.printf("%s: first %.2f ms, again %.3f ms%n", embedder.model(), (b - a) / 1e6, (c - b) / 1e6);
        assertThat(c - b).isLessThan(b - a);
    }

    @Test
    void theTwoModelsGiveDifferentVectorsOfTheSameSize() {
        String text = "Count the words of the abstract";
        assertThat(MINI_LM.dimensions()).isEqualTo(BGE.dimensions()).isEqualTo(384);
        assertThat(cosine(MINI_LM.embed(text), BGE.embed(text))).isLessThan(0.9);
    }

    @Test
    void theConfigurationChoosesTheModelAndTheDefaultIsWhatServiceLoaderFinds() {
        assertThat(EmbedderComponent.create(MiniLmEmbedder.ID)).isInstanceOf(MiniLmEmbedder.class);
        assertThat(EmbedderComponent.create(BgeSmallEmbedder.ID)).isInstanceOf(BgeSmallEmbedder.class);
        assertThat(EmbedderComponent.MODELS).contains(EmbedderComponent.DEFAULT);
        assertThat(ServiceLoader.load(TextEmbedder.class)
                        .findFirst()
                        .orElseThrow()
                        .getClass())
                .isEqualTo(EmbedderComponent.create(EmbedderComponent.DEFAULT).getClass());
    }

    @Test
    void aModelThisBundleDoesNotHaveLoadsNothingAndSaysWhy() {
        EmbedderComponent component = new EmbedderComponent(null, model("gte-large"), Map.of());
        assertThat(component.check().status()).isEqualTo(io.procos.api.health.Health.Status.DEGRADED);
        assertThat(component.check().detail())
                .contains("gte-large")
                .contains(MiniLmEmbedder.ID)
                .contains(BgeSmallEmbedder.ID);
    }

    private static EmbedderComponent.Config model(String model) {
        return new EmbedderComponent.Config() {
            @Override
            public String model() {
                return model;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return EmbedderComponent.Config.class;
            }
        };
    }
}
