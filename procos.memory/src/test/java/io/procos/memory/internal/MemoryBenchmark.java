package io.procos.memory.internal;

import io.procos.api.llm.TextEmbedder;
import io.procos.api.memory.MemoryItem;
import io.procos.api.memory.Recall;
import io.procos.memory.spi.VectorStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Memory writes per second (through the write-ahead log, the embedding model and both stores, in
 * batches) and recall latency p50/p99 at 10k and 100k items in the Neo4j vector index, side by side with
 * an exact brute-force cosine scan in memory over the same vectors, whose top 10 is the truth for the
 * index's recall@10. Runs its own graph server (as ProcOS starts it) on a temporary store.
 *
 * <p>The 100k vectors: 2,000 sentences are embedded for real; each item's vector is a mix of two of
 * them plus noise, so the set has the clustered shape of real text rather than random noise (which
 * would be the hardest case for any approximate index and unlike any memory).
 */
public final class MemoryBenchmark {

    static final String[] SUBJECTS = {
        "The supplier",
        "Our customer",
        "The night shift",
        "The trading desk",
        "The warehouse team",
        "The test engineer",
        "The carrier",
        "Finance",
        "The plant manager",
        "Quality assurance"
    };
    static final String[] VERBS = {
        "reported",
        "asked about",
        "postponed",
        "approved",
        "rejected",
        "measured",
        "shipped",
        "cancelled",
        "recalculated",
        "archived"
    };
    static final String[] OBJECTS = {
        "the steel price increase",
        "a late container in Rotterdam",
        "the boiler temperature log",
        "the Brent crude hedge",
        "broken forklift brakes",
        "the wing stress test",
        "invoice 4711",
        "the safety training",
        "the monthly sales report",
        "a new packaging supplier",
        "the customs papers",
        "the vibration measurements",
        "the quarterly forecast",
        "a damaged pallet",
        "the software build",
        "the audit findings",
        "the spare parts order",
        "the delivery schedule",
        "the power outage",
        "the price list"
    };
    static final String[] WHEN = {
        "on Monday",
        "last week",
        "this morning",
        "before the audit",
        "after the inventory count",
        "for the third time",
        "in the weekly meeting",
        "by e-mail",
        "during the night shift",
        "at the end of the quarter"
    };

    public static void main(String[] args) throws Exception {
        int queries = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int largest = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        String home = System.getProperty("procos.home", ".");
        TextEmbedder embedder = io.procos.api.testing.Embedders.offline();
        Path dir = Files.createTempDirectory(Path.of(home, "data", "tmp"), "bench-memory");
        GraphServerProcess server = new GraphServerProcess(
                Path.of(home, "neo4j") + "/*" + java.io.File.pathSeparator + Path.of(home, "neo4j", "lib") + "/*",
                dir.resolve("neo4j"),
                dir.resolve("neo4j-password"),
                dir.resolve("neo4j.log"),
                0,
                "1g");
        try {
            if (!server.awaitReady(Duration.ofMinutes(3)))
                throw new IllegalStateException("graph server did not start: " + server.lastFailure());
            Neo4jGraph graph = new Neo4jGraph(server.uri(), "neo4j", server.password());
            graph.ensureSchema(embedder.dimensions());
            System.out.printf("Memory benchmark: Neo4j 5.26 embedded in its own JVM (-Xmx1g), %s%n", embedder.model());

            // writes through the whole path: log, embedding, graph, vector index
            Random random = new Random(7);
            List<String> sentences = new ArrayList<>(new HashSet<>(sentences(random, 2600))).subList(0, 2000);
            List<MemoryItem> items = new ArrayList<>();
            try (MemoryService memory = new MemoryService(
                    new WriteAheadLog(dir.resolve("wal")),
                    () -> embedder,
                    graph,
                    graph,
                    new MemoryService.Settings(1000, 32L << 20, 1_000_000, 1L << 30, null))) {
                for (String s : sentences)
                    items.add(new MemoryItem(null, "note", s, Map.of("processKey", "bench"), List.of(), null));
                long a = System.nanoTime();
                for (int i = 0; i < items.size(); i += 100)
                    memory.rememberAll(items.subList(i, Math.min(items.size(), i + 100)));
                long accepted = System.nanoTime();
                memory.awaitWritten(Duration.ofMinutes(10));
                long b = System.nanoTime();
                List<float[]> only = embedder.embedAll(sentences.subList(0, 500));
                long c = System.nanoTime();
                System.out.printf(
                        "writes: %d items accepted in %.0f ms (%.0f/s, log only); written to graph + vector index at %.0f items/s "
                                + "(embedding included; the embedding model alone: %.0f sentences/s)%n",
                        items.size(),
                        (accepted - a) / 1e6,
                        items.size() / ((accepted - a) / 1e9),
                        items.size() / ((b - a) / 1e9),
                        only.size() / ((c - b) / 1e9));
            }

            // recall at 10k and 100k items
            List<float[]> base = embedder.embedAll(sentences);
            // the store holds the 2,000 notes written above too: they are part of the truth
            List<float[]> vectors = new ArrayList<>(base);
            List<String> ids =
                    new ArrayList<>(items.stream().map(MemoryItem::id).toList());
            List<float[]> queryVectors = new ArrayList<>();
            for (int i = 0; i < queries; i++) queryVectors.add(mix(random, base));
            System.out.printf(
                    "%-8s %14s %14s %12s %16s %16s %14s%n",
                    "items", "index p50", "index p99", "recall@10", "brute-force p50", "brute-force p99", "upserts/s");
            for (int size : new int[] {10_000, 100_000}) {
                if (size > largest) break;
                List<VectorStore.Entry> batch = new ArrayList<>();
                long upsertNanos = 0;
                int added = 0;
                while (vectors.size() < size) {
                    float[] v = mix(random, base);
                    String id = UUID.randomUUID().toString();
                    vectors.add(v);
                    ids.add(id);
                    batch.add(
                            new VectorStore.Entry(id, "bench", "item " + vectors.size(), "bench-vectors", 0, "{}", v));
                    if (batch.size() == 2000 || vectors.size() == size) {
                        long t = System.nanoTime();
                        graph.upsert(batch);
                        upsertNanos += System.nanoTime() - t;
                        added += batch.size();
                        batch.clear();
                    }
                }
                try (var driver = org.neo4j.driver.GraphDatabase.driver(
                                server.uri(), org.neo4j.driver.AuthTokens.basic("neo4j", server.password()));
                        var s = driver.session()) {
                    s.run("CALL db.awaitIndexes(600)").consume();
                }
                Recall recall = Recall.nearest(10); // the bench vectors are the only items in this store
                for (int i = 0; i < 100; i++) graph.search(queryVectors.get(i % queries), recall); // warm up both JVMs
                long[] index = new long[queries];
                long[] brute = new long[queries];
                List<List<VectorStore.Match>> answers = new ArrayList<>();
                for (int i = 0; i < queries; i++) { // the index alone first, then the baseline: neither slows the other
                    long t0 = System.nanoTime();
                    answers.add(graph.search(queryVectors.get(i), recall));
                    index[i] = System.nanoTime() - t0;
                }
                double found = 0;
                for (int i = 0; i < queries; i++) {
                    long t1 = System.nanoTime();
                    Set<String> truth = exactTop(queryVectors.get(i), vectors, ids, 10);
                    brute[i] = System.nanoTime() - t1;
                    found += answers.get(i).stream()
                                    .filter(h -> truth.contains(h.entry().id()))
                                    .count()
                            / 10.0;
                }
                System.out.printf(
                        "%-8d %11.2f ms %11.2f ms %12.3f %13.2f ms %13.2f ms %14.0f%n",
                        size,
                        p(index, 50),
                        p(index, 99),
                        found / queries,
                        p(brute, 50),
                        p(brute, 99),
                        added / (upsertNanos / 1e9));
            }
        } finally {
            server.close();
            try (var files = Files.walk(dir)) {
                files.sorted((x, y) -> y.compareTo(x)).forEach(f -> f.toFile().delete());
            }
        }
    }

    static List<String> sentences(Random random, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(SUBJECTS[random.nextInt(SUBJECTS.length)] + " " + VERBS[random.nextInt(VERBS.length)] + " "
                    + OBJECTS[random.nextInt(OBJECTS.length)] + " " + WHEN[random.nextInt(WHEN.length)] + ".");
        }
        return out;
    }

    static float[] mix(Random random, List<float[]> base) {
        float[] a = base.get(random.nextInt(base.size()));
        float[] b = base.get(random.nextInt(base.size()));
        float[] v = new float[a.length];
        double n = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.8 * a[i] + 0.4 * b[i] + 0.02 * random.nextGaussian());
            n += v[i] * v[i];
        }
        for (int i = 0; i < v.length; i++) v[i] /= (float) Math.sqrt(n);
        return v;
    }

    /** The baseline: every vector's cosine with the query, the k best kept in a heap. */
    static Set<String> exactTop(float[] q, List<float[]> vectors, List<String> ids, int k) {
        PriorityQueue<double[]> heap = new PriorityQueue<>((x, y) -> Double.compare(x[0], y[0]));
        for (int i = 0; i < vectors.size(); i++) {
            float[] v = vectors.get(i);
            double s = 0;
            for (int j = 0; j < q.length; j++) s += q[j] * v[j];
            if (heap.size() < k) heap.add(new double[] {s, i});
            else if (s > heap.peek()[0]) {
                heap.poll();
                heap.add(new double[] {s, i});
            }
        }
        Set<String> out = new HashSet<>();
        for (double[] e : heap) out.add(ids.get((int) e[1]));
        return out;
    }

    static double p(long[] nanos, int percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)] / 1e6;
    }
}
