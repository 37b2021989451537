package io.procos.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real all-MiniLM-L6-v2 model: meaning, not words, decides what is close. */
class MiniLmEmbedderTest {

    static MiniLmEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = new MiniLmEmbedder();
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) dot += a[i] * b[i];
        return dot;
    }

    @Test
    void sentencesThatMeanTheSameAreCloserThanUnrelatedOnes() {
        List<float[]> v = embedder.embedAll(List.of(
                "Save these meeting notes to a file",
                "Write the minutes of the meeting to disk",
                "Compute the eigenvalues of the stiffness matrix"));
        assertThat(v).allSatisfy(x -> assertThat(x).hasSize(384));
        assertThat(cosine(v.get(0), v.get(0))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(cosine(v.get(0), v.get(1))).isGreaterThan(cosine(v.get(0), v.get(2)) + 0.2);
        assertThat(embedder.embed("Write the minutes of the meeting to disk")).containsExactly(v.get(1));
    }

    @Test
    void aTextEmbeddedAgainGetsTheSameVectorFasterAndACallerCannotSpoilIt() {
        String text = "Reconcile the November invoices with the bank statement";
        long a = System.nanoTime();
        float[] first = embedder.embed(text);
        long b = System.nanoTime();
        first[0] = 42; // a caller changing its copy
        float[] again = embedder.embed(text);
        long c = System.nanoTime();
        assertThat(again[0]).isNotEqualTo(42);
        assertThat(cosine(
                        again,
                        embedder.embedAll(java.util.List.of("other words", text))
                                .get(1)))
                .isGreaterThan(0.9999);
        System.out.printf("embedding: first %.2f ms, again %.3f ms%n", (b - a) / 1e6, (c - b) / 1e6);
        assertThat(c - b).isLessThan(b - a);
    }
}
