package io.procos.memory.internal;

import io.procos.api.health.Health;
import io.procos.api.health.HealthContributor;
import io.procos.api.llm.TextEmbedder;
import io.procos.api.memory.ErrorCount;
import io.procos.api.memory.Graph;
import io.procos.api.memory.Hit;
import io.procos.api.memory.Memory;
import io.procos.api.memory.MemoryItem;
import io.procos.api.memory.Recall;
import io.procos.api.memory.ToolUse;
import io.procos.api.tde.TaskRunEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ProcOS memory ({@value #PID}). With no graph URI configured it starts the embedded Neo4j in its own
 * JVM ({@code neo4j/lib} of the distribution) and keeps it running; with one, it uses that Neo4j and
 * starts nothing. Vectors go to the Neo4j vector index, or to Weaviate when configured. It remembers
 * every finished task run (EventAdmin), the sample processes on first start, and what is saved through
 * {@code /api/memory}.
 *
 * <p>{@link #remember} appends to the write-ahead log and to short-term memory and returns; one writer
 * thread embeds the items in batches and writes them to the graph and the vector store, retrying with
 * back-off while a store is down, and checkpoints the log once they are in. Tests and benchmarks build
 * it on given stores with the package constructor, without OSGi.
 */
@Component(
        configurationPid = MemoryService.PID,
        service = {Memory.class, HealthContributor.class, EventHandler.class},
        property = EventConstants.EVENT_TOPIC + "=" + TaskRunEvent.TOPIC)
@Designate(ocd = MemoryService.Config.class)
public final class MemoryService implements Memory, HealthContributor, EventHandler, AutoCloseable {

    static final String PID = "io.procos.memory";
    private static final Logger LOG = LoggerFactory.getLogger(MemoryService.class);
    static final int BATCH = 256;

    @ObjectClassDefinition(name = "ProcOS memory", description = "Graph and vector memory.")
    public @interface Config {
        @AttributeDefinition(description = "bolt:// or neo4j:// URI of a Neo4j to use; empty starts the embedded one")
        String graphUri() default "";

        String graphUser() default "neo4j";

        @AttributeDefinition(
                type = AttributeType.PASSWORD,
                description = "for a configured graph URI; the embedded one uses conf/neo4j-password")
        String graphPassword() default "";

        @AttributeDefinition(description = "Bolt port of the embedded Neo4j on 127.0.0.1; 0 picks a free one")
        int graphPort() default 0;

        @AttributeDefinition(description = "maximum heap of the embedded Neo4j's JVM")
        String graphHeap() default "768m";

        @AttributeDefinition(description = "neo4j (the vector index beside the graph) or weaviate")
        String vectorStore() default "neo4j";

        String weaviateUrl() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD)
        String weaviateApiKey() default "";

        String weaviateCollection() default "ProcosMemory";

        int shortTermItems() default 1000;

        @AttributeDefinition(description = "writes that may wait for the stores before memory refuses more")
        int maxBacklog() default 100_000;

        boolean loadSamples() default true;
    }

    /** What the writer needs; {@code firstConnect} runs once the stores answer for the first time. */
    record Settings(int shortTermItems, int maxBacklog, Consumer<MemoryService> firstConnect) {}

    /** The stores of a started component: the graph server it started (or null), the graph and vectors. */
    private record Stores(
            GraphServerProcess server,
            String graphUri,
            Neo4jGraph graph,
            VectorStore vectors,
            WriteAheadLog wal,
            AtomicReference<TextEmbedder> embedder) {

        static Stores open(BundleContext context, Config config) {
            Path home = Path.of(context.getProperty("procos.home") == null ? "." : context.getProperty("procos.home"))
                    .toAbsolutePath();
            AtomicReference<TextEmbedder> embedder = new AtomicReference<>();
            GraphServerProcess server = null;
            String uri = config.graphUri().strip();
            try {
                String password = config.graphPassword();
                if (uri.isEmpty()) {
                    Path lib = home.resolve("neo4j/lib");
                    if (!Files.isDirectory(lib))
                        throw new IllegalStateException("the embedded graph server is missing: no " + lib);
                    server = new GraphServerProcess(
                            home.resolve("neo4j").toString() + "/*" + java.io.File.pathSeparator + lib + "/*",
                            home.resolve("data/neo4j"),
                            home.resolve("conf/neo4j-password"),
                            home.resolve("data/log/neo4j.log"),
                            config.graphPort(),
                            config.graphHeap(),
                            () -> embedder.get() != null); // memory cannot write without it anyway
                    uri = server.uri();
                    password = server.password();
                }
                Neo4jGraph graph = new Neo4jGraph(uri, config.graphUser(), password);
                VectorStore vectors =
                        switch (config.vectorStore()) {
                            case "neo4j" -> graph;
                            case "weaviate" -> new WeaviateStore(
                                    config.weaviateUrl(), config.weaviateApiKey(), config.weaviateCollection());
                            default -> throw new IllegalArgumentException(
                                    "vectorStore must be neo4j or weaviate, not " + config.vectorStore());
                        };
                return new Stores(
                        server, uri, graph, vectors, new WriteAheadLog(home.resolve("data/memory")), embedder);
            } catch (Exception e) {
                if (server != null) server.close();
                throw new IllegalStateException("memory cannot start: " + e.getMessage(), e);
            }
        }
    }

    private final WriteAheadLog wal;
    private final Supplier<TextEmbedder> embedder;
    /** The embedder service as DS binds it; null when built without OSGi. */
    private final AtomicReference<TextEmbedder> boundEmbedder;

    private final Neo4jGraph graph;
    private final VectorStore vectors;
    private final Settings settings;
    /** The embedded graph server this component started, or null. */
    private final GraphServerProcess server;

    private final String graphUri;
    private final ArrayDeque<WriteAheadLog.Entry> pending = new ArrayDeque<>();
    private final LinkedHashMap<String, Recent> shortTerm;
    private final Thread writer;
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile String storeProblem = "not connected to the stores yet";
    private volatile long written;

    /** A recently remembered item and its vector once known. */
    private static final class Recent {
        final MemoryItem item;
        volatile float[] vector;

        Recent(MemoryItem item) {
            this.item = item;
        }
    }

    @Activate
    public MemoryService(BundleContext context, Config config) throws IOException {
        this(
                Stores.open(context, config),
                new Settings(
                        config.shortTermItems(),
                        config.maxBacklog(),
                        m -> loadSamples(m.graph, m, samples(context, config))),
                null);
    }

    /** Memory on given stores, without OSGi (tests, benchmarks). */
    MemoryService(
            WriteAheadLog wal,
            Supplier<TextEmbedder> embedder,
            Neo4jGraph graph,
            VectorStore vectors,
            Settings settings)
            throws IOException {
        this(new Stores(null, "(given)", graph, vectors, wal, new AtomicReference<>()), settings, embedder);
    }

    /** {@code embedder} null: the one DS binds. */
    private MemoryService(Stores stores, Settings settings, Supplier<TextEmbedder> embedder) throws IOException {
        this.boundEmbedder = stores.embedder();
        this.embedder = embedder != null ? embedder : boundEmbedder::get;
        this.wal = stores.wal();
        this.graph = stores.graph();
        this.vectors = stores.vectors();
        this.server = stores.server();
        this.graphUri = stores.graphUri();
        this.settings = settings;
        this.shortTerm = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Recent> eldest) {
                return size() > settings.shortTermItems();
            }
        };
        List<WriteAheadLog.Entry> replay = wal.pending();
        if (!replay.isEmpty()) LOG.info("{} memory writes from before the last stop are written again", replay.size());
        synchronized (pending) {
            pending.addAll(replay);
        }
        this.writer = new Thread(this::write, "procos-memory-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetEmbedder")
    void setEmbedder(TextEmbedder e) {
        boundEmbedder.set(e);
    }

    void unsetEmbedder(TextEmbedder e) {
        boundEmbedder.compareAndSet(e, null);
    }

    private static List<URL> samples(BundleContext context, Config config) {
        List<URL> samples = new ArrayList<>();
        Enumeration<URL> found = context.getBundle().findEntries("samples", "*.bpmn", false);
        if (found != null && config.loadSamples()) samples.addAll(Collections.list(found));
        return samples;
    }

    private static void loadSamples(Neo4jGraph graph, MemoryService memory, List<URL> samples) {
        if (samples.isEmpty() || !graph.firstTime("samples")) return;
        try {
            List<MemoryItem> items = Samples.load(samples);
            memory.rememberAll(items);
            LOG.info("Memory: {} sample processes loaded", items.size());
        } catch (Exception e) {
            LOG.error("The sample processes could not be loaded", e);
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        awaitWritten(java.time.Duration.ofSeconds(2)); // what is left stays in the log for the next start
        close();
    }

    @Override
    public void handleEvent(Event event) {
        Map<String, Object> properties = new HashMap<>();
        for (String name : event.getPropertyNames()) properties.put(name, event.getProperty(name));
        try {
            rememberAll(DecisionMemory.items(TaskRunEvent.run(properties)));
        } catch (RuntimeException e) {
            LOG.warn("A task run could not be remembered: {}", e.getMessage());
        }
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Health check() {
        String problem = storeProblem;
        String where =
                "graph " + graphUri + (server != null ? " (embedded, restarted " + server.restarts() + " times)" : "")
                        + ", vectors in " + vectors.name();
        if (problem == null) return Health.up(written + " items written; " + where);
        return Health.degraded(problem + "; " + backlog() + " writes waiting, none lost; " + where);
    }

    @Override
    public MemoryItem remember(MemoryItem item) {
        return rememberAll(List.of(item)).get(0);
    }

    /** Accepts several items with one append to the log. */
    public List<MemoryItem> rememberAll(List<MemoryItem> items) {
        if (closed) throw new IllegalStateException("memory is closed");
        for (MemoryItem item : items) {
            if (!item.kind().matches("[a-z][a-z0-9_-]{0,39}")) {
                throw new IllegalArgumentException(
                        "a kind is a lower-case word like \"note\" or \"decision\", not \"" + item.kind() + "\"");
            }
            if (item.text().isBlank()) throw new IllegalArgumentException("there is no text to remember");
        }
        synchronized (pending) {
            if (pending.size() + items.size() > settings.maxBacklog()) {
                throw new MemoryFullException("memory has " + pending.size()
                        + " writes waiting for the stores (at most " + settings.maxBacklog() + "): " + storeProblem);
            }
            List<WriteAheadLog.Entry> entries = wal.append(items);
            pending.addAll(entries);
            pending.notifyAll();
        }
        synchronized (shortTerm) {
            for (MemoryItem item : items) shortTerm.put(item.id(), new Recent(item));
        }
        return items;
    }

    private void write() {
        long backoff = 250;
        while (!closed) {
            try {
                TextEmbedder e = embedder.get();
                if (e == null) {
                    storeProblem = "waiting for the embedding model";
                    sleep(500);
                    continue;
                }
                if (!connected) { // at once, not at the first write: health should say whether the stores answer
                    graph.verify();
                    vectors.ensureSchema(e.dimensions());
                    connected = true;
                    storeProblem = null;
                    backoff = 250;
                    LOG.info("Memory connected: graph and {}", vectors.name());
                    if (settings.firstConnect() != null) settings.firstConnect().accept(this);
                }
                List<WriteAheadLog.Entry> batch = new ArrayList<>();
                synchronized (pending) {
                    if (pending.isEmpty()) pending.wait(1000);
                    for (WriteAheadLog.Entry entry : pending) {
                        if (batch.size() == BATCH) break;
                        batch.add(entry);
                    }
                }
                if (batch.isEmpty() || closed) continue;
                List<MemoryItem> items =
                        batch.stream().map(WriteAheadLog.Entry::item).toList();
                List<float[]> embedded =
                        e.embedAll(items.stream().map(MemoryItem::text).toList());
                graph.write(items);
                List<VectorStore.Entry> rows = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) {
                    MemoryItem item = items.get(i);
                    rows.add(new VectorStore.Entry(
                            item.id(),
                            item.kind(),
                            item.text(),
                            processKey(item),
                            item.createdAt().toEpochMilli(),
                            WriteAheadLog.JSON.valueToTree(item.properties()).toString(),
                            embedded.get(i)));
                }
                vectors.upsert(rows);
                synchronized (shortTerm) {
                    for (int i = 0; i < items.size(); i++) {
                        Recent r = shortTerm.get(items.get(i).id());
                        if (r != null) r.vector = embedded.get(i);
                    }
                }
                synchronized (pending) {
                    for (int i = 0; i < batch.size(); i++) pending.poll();
                    wal.checkpoint(
                            pending.isEmpty()
                                    ? Long.MAX_VALUE
                                    : batch.get(batch.size() - 1).end());
                }
                written += items.size();
                storeProblem = null;
                backoff = 250;
            } catch (InterruptedException ex) {
                return;
            } catch (RuntimeException | IOException ex) {
                String problem = ex.getMessage() == null ? ex.toString() : ex.getMessage();
                if (!problem.equals(storeProblem)) LOG.warn("Memory writes wait: {}", problem);
                storeProblem = problem;
                if (ex instanceof org.neo4j.driver.exceptions.ServiceUnavailableException) connected = false;
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private static String processKey(MemoryItem item) {
        Object key = item.properties().get("processKey");
        return key == null ? "" : key.toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<Hit> recall(String query, Recall recall) {
        TextEmbedder e = embedder.get();
        if (e == null) throw new IllegalStateException("the embedding model is not loaded yet");
        float[] q = e.embed(query);
        Map<String, Hit> hits = new LinkedHashMap<>();
        try {
            // while the stores do not answer, recall does not wait for them: short-term memory answers alone
            if (connected)
                for (VectorStore.Match m : vectors.search(q, recall))
                    hits.put(m.entry().id(), new Hit(item(m.entry()), m.cosine()));
        } catch (RuntimeException ex) {
            LOG.debug("Long-term recall failed; answering from short-term memory: {}", ex.getMessage());
        }
        // what was remembered a moment ago may not be in the long-term stores yet
        List<Recent> recent;
        synchronized (shortTerm) {
            recent = new ArrayList<>(shortTerm.values());
        }
        List<Recent> unembedded = recent.stream()
                .filter(r -> r.vector == null && matches(r.item, recall))
                .toList();
        if (!unembedded.isEmpty()) {
            List<float[]> vs =
                    e.embedAll(unembedded.stream().map(r -> r.item.text()).toList());
            for (int i = 0; i < vs.size(); i++) unembedded.get(i).vector = vs.get(i);
        }
        for (Recent r : recent) {
            if (r.vector == null || !matches(r.item, recall) || hits.containsKey(r.item.id())) continue;
            hits.put(r.item.id(), new Hit(r.item, dot(q, r.vector)));
        }
        return hits.values().stream()
                .sorted(Comparator.comparingDouble(Hit::score).reversed())
                .limit(recall.k())
                .toList();
    }

    private static boolean matches(MemoryItem item, Recall r) {
        return (r.kind() == null || r.kind().equals(item.kind()))
                && (r.processKey() == null || r.processKey().equals(processKey(item)))
                && (r.since() == null || !item.createdAt().isBefore(r.since()));
    }

    @SuppressWarnings("unchecked")
    private static MemoryItem item(VectorStore.Entry e) {
        Map<String, Object> props;
        try {
            props = WriteAheadLog.JSON.readValue(
                    e.properties() == null || e.properties().isBlank() ? "{}" : e.properties(), Map.class);
        } catch (IOException ex) {
            props = Map.of();
        }
        return new MemoryItem(e.id(), e.kind(), e.text(), props, List.of(), Instant.ofEpochMilli(e.createdAt()));
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    @Override
    public Graph instanceGraph(String instanceId) {
        try {
            return graph.instanceGraph(instanceId);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the graph is not reachable: " + e.getMessage(), e);
        }
    }

    @Override
    public List<ToolUse> toolsForTasksLike(String taskText, int k) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, List<String>> examples = new LinkedHashMap<>();
        for (Hit h : recall(taskText, new Recall(k, "decision", null, null))) {
            Object tool = h.item().properties().get("tool");
            if (tool == null || tool.toString().isBlank()) continue;
            int[] c = counts.computeIfAbsent(tool.toString(), t -> new int[2]);
            c[0]++;
            if ("COMPLETED".equals(h.item().properties().get("status"))) c[1]++;
            List<String> ex = examples.computeIfAbsent(tool.toString(), t -> new ArrayList<>());
            if (ex.size() < 3) ex.add(h.item().text());
        }
        return counts.entrySet().stream()
                .sorted((a, b) -> b.getValue()[0] - a.getValue()[0])
                .map(en -> new ToolUse(en.getKey(), en.getValue()[0], en.getValue()[1], examples.get(en.getKey())))
                .toList();
    }

    @Override
    public List<ErrorCount> errorsAfter(String tool, int limit) {
        try {
            return graph.errorsAfter(tool, limit);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the graph is not reachable: " + e.getMessage(), e);
        }
    }

    @Override
    public long backlog() {
        synchronized (pending) {
            return pending.size();
        }
    }

    /** Null when the stores take writes; else why writes wait. */
    public String problem() {
        return storeProblem;
    }

    public long written() {
        return written;
    }

    public String vectorStoreName() {
        return vectors.name();
    }

    /** Waits until every accepted item is in the stores (tests, benchmarks, orderly shutdown). */
    public boolean awaitWritten(java.time.Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (backlog() == 0) return true;
            Thread.sleep(20);
        }
        return backlog() == 0;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (pending) {
            pending.notifyAll();
        }
        try {
            writer.join(10_000);
            wal.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (server != null) server.close();
        }
    }
}
