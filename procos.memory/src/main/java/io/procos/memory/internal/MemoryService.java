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
import io.procos.memory.spi.VectorStore;
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
import java.util.Locale;
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
 * back-off while a store is down, and checkpoints the log once they are in. The writes waiting and
 * short-term memory are bounded in items and in bytes (an item weighs its line in the log): at the
 * backlog's bound {@code remember} refuses, and what it accepted stays. Tests and benchmarks build
 * it on given stores with the package constructor, without OSGi.
 */
// REQUIRE: memory starts once, on the stores conf/io.procos.memory.cfg names (the distribution ships it), and
// does not start an embedded graph server a configured graph URI would make needless
@Component(
        configurationPid = MemoryService.PID,
        configurationPolicy = org.osgi.service.component.annotations.ConfigurationPolicy.REQUIRE,
        service = {Memory.class, HealthContributor.class, EventHandler.class},
        property = EventConstants.EVENT_TOPIC + "=" + TaskRunEvent.TOPIC)
@Designate(ocd = MemoryService.Config.class)
public final class MemoryService implements Memory, HealthContributor, EventHandler, AutoCloseable {

    static final String PID = "io.procos.memory";
    private static final Logger LOG = LoggerFactory.getLogger(MemoryService.class);
    static final int BATCH = 256;
    /** A batch also ends once its items reach this many bytes: one transaction, one request to the stores. */
    static final long BATCH_BYTES = 16L << 20;

    static final String CONFIG_FILE = "conf/io.procos.memory.cfg";

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

        @AttributeDefinition(
                description = "neo4j (the vector index beside the graph), or the name of a store another bundle"
                        + " registers: weaviate (procos.memory.weaviate, installed when"
                        + " conf/io.procos.memory.weaviate.cfg exists)")
        String vectorStore() default "neo4j";

        @AttributeDefinition(
                description = "items short-term memory keeps, recallable at once before the stores have them;"
                        + " the oldest go first")
        int shortTermItems() default 1000;

        @AttributeDefinition(
                description = "bytes of items (as the memory log writes them) short-term memory keeps;"
                        + " the oldest go first")
        long shortTermBytes() default 32L << 20;

        @AttributeDefinition(description = "writes that may wait for the stores before memory refuses more")
        int maxBacklog() default 100_000;

        @AttributeDefinition(
                description = "bytes of writes (as the memory log writes them) that may wait for the stores before"
                        + " memory refuses more; no single item may be larger")
        long maxBacklogBytes() default 256L << 20;

        boolean loadSamples() default true;
    }

    /**
     * The bounds, each in items and in bytes (an item weighs its line in the memory log: its text and
     * properties as JSON); {@code firstConnect} runs once the stores answer for the first time.
     */
    record Settings(
            int shortTermItems,
            long shortTermBytes,
            int maxBacklog,
            long maxBacklogBytes,
            Consumer<MemoryService> firstConnect) {

        Settings {
            if (shortTermItems < 0 || shortTermBytes < 0)
                throw new IllegalArgumentException("shortTermItems and shortTermBytes cannot be negative (0 keeps"
                        + " no short-term memory), not " + shortTermItems + " and " + shortTermBytes);
            if (maxBacklog < 1 || maxBacklogBytes < 1)
                throw new IllegalArgumentException("maxBacklog and maxBacklogBytes must be at least 1, not "
                        + maxBacklog + " and " + maxBacklogBytes + " (in " + CONFIG_FILE + ")");
        }
    }

    /** The stores of a started component: the graph server it started (or null), the graph and vectors. */
    private record Stores(
            GraphServerProcess server,
            String graphUri,
            Neo4jGraph graph,
            VectorStore vectors,
            WriteAheadLog wal,
            AtomicReference<TextEmbedder> embedder,
            String failure) {

        Stores(
                GraphServerProcess server,
                String graphUri,
                Neo4jGraph graph,
                VectorStore vectors,
                WriteAheadLog wal,
                AtomicReference<TextEmbedder> embedder) {
            this(server, graphUri, graph, vectors, wal, embedder, null);
        }

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
                String chosen = config.vectorStore().strip();
                if (!chosen.matches("[a-z][a-z0-9-]*"))
                    throw new IllegalArgumentException("vectorStore must be neo4j or the name of a vector store"
                            + " bundle (weaviate), not '" + chosen + "' (in " + CONFIG_FILE + ")");
                VectorStore vectors = chosen.equals("neo4j")
                        ? graph
                        : new ServiceVectorStore(
                                chosen,
                                "vectorStore=" + chosen + " but no vector store named " + chosen + " is registered"
                                        + (chosen.equals("weaviate")
                                                ? ": conf/io.procos.memory.weaviate.cfg (with url=) installs"
                                                        + " procos.memory.weaviate at the next start, and its"
                                                        + " health says when it cannot reach the server"
                                                : "")
                                        + "; memory writes wait until it is");
                return new Stores(
                        server, uri, graph, vectors, new WriteAheadLog(home.resolve("data/memory")), embedder);
            } catch (Exception e) {
                if (server != null) server.close();
                // memory is degraded, not absent: ProcOS runs its processes without it, and health says why
                LOG.error("memory cannot start: {}", e.getMessage(), e);
                return new Stores(null, uri, null, null, null, embedder, "memory cannot start: " + e.getMessage());
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
    /** Appended since the start, not yet in the stores, in log order; also the lock of the backlog. */
    private final ArrayDeque<WriteAheadLog.Entry> pending = new ArrayDeque<>();
    /** What the log held past its checkpoint at start: written before anything in {@link #pending}. */
    private final WriteAheadLog.Replay replay;
    /** Writes waiting for the stores (replayed, pending, or still in the log), guarded by {@link #pending}. */
    private long backlogItems;
    /** Their lines' bytes in the log, guarded by {@link #pending}. */
    private long backlogBytes;

    private final ShortTermMemory shortTerm;
    private final Thread writer;
    /** Why memory did not start (its stores could not be opened), or null. */
    private final String failure;

    private volatile boolean closed;
    private volatile boolean connected;
    private volatile String storeProblem = "not connected to the stores yet";
    private volatile long written;

    @Activate
    public MemoryService(BundleContext context, Config config) throws IOException {
        this(
                Stores.open(context, config),
                new Settings(
                        config.shortTermItems(),
                        config.shortTermBytes(),
                        config.maxBacklog(),
                        config.maxBacklogBytes(),
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
        this.failure = stores.failure();
        this.boundEmbedder = stores.embedder();
        this.embedder = embedder != null ? embedder : boundEmbedder::get;
        this.wal = stores.wal();
        this.graph = stores.graph();
        this.vectors = stores.vectors();
        this.server = stores.server();
        this.graphUri = stores.graphUri();
        this.settings = settings;
        this.shortTerm = new ShortTermMemory(settings.shortTermItems(), settings.shortTermBytes());
        if (failure != null) {
            this.replay = null;
            this.writer = null;
            return;
        }
        this.replay = wal.replay();
        if (!replay.done())
            LOG.info(
                    "{} memory writes ({}) from before the last stop are written again",
                    replay.records(),
                    size(replay.bytes()));
        synchronized (pending) {
            backlogItems = replay.records();
            backlogBytes = replay.bytes();
        }
        this.writer = new Thread(this::write, "procos-memory-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Stores other bundles register; the one {@code vectorStore} names is used (see ServiceVectorStore). */
    @Reference(
            service = VectorStore.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            unbind = "removeVectorStore")
    void addVectorStore(VectorStore store, Map<String, Object> properties) {
        if (vectors instanceof ServiceVectorStore s && s.named(properties.get(VectorStore.NAME_PROPERTY)))
            s.bind(store);
    }

    void removeVectorStore(VectorStore store) {
        if (vectors instanceof ServiceVectorStore s) s.unbind(store);
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
        if (failure != null) return;
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
        if (failure != null) return Health.degraded(failure);
        String problem = storeProblem;
        String where =
                "graph " + graphUri + (server != null ? " (embedded, restarted " + server.restarts() + " times)" : "")
                        + ", vectors in " + vectors.name();
        String waiting;
        synchronized (pending) {
            waiting = backlogItems + " writes (" + size(backlogBytes) + ") waiting of at most " + settings.maxBacklog()
                    + " and " + size(settings.maxBacklogBytes());
        }
        if (problem == null) return Health.up(written + " items written, " + waiting + "; " + where);
        return Health.degraded(problem + "; " + waiting + ", none lost; " + where);
    }

    @Override
    public MemoryItem remember(MemoryItem item) {
        return rememberAll(List.of(item)).get(0);
    }

    /** Accepts several items with one append to the log. */
    public List<MemoryItem> rememberAll(List<MemoryItem> items) {
        started();
        if (closed) throw new IllegalStateException("memory is closed");
        for (MemoryItem item : items) {
            if (!item.kind().matches("[a-z][a-z0-9_-]{0,39}")) {
                throw new IllegalArgumentException(
                        "a kind is a lower-case word like \"note\" or \"decision\", not \"" + item.kind() + "\"");
            }
            if (item.text().isBlank()) throw new IllegalArgumentException("there is no text to remember");
        }
        // encoded before the lock: a large item costs its writer the time, not everyone else
        List<WriteAheadLog.Line> lines = new ArrayList<>(items.size());
        long bytes = 0;
        for (MemoryItem item : items) {
            WriteAheadLog.Line line = WriteAheadLog.line(item);
            if (line.bytes().length > settings.maxBacklogBytes()) {
                throw new IllegalArgumentException("this item is " + size(line.bytes().length)
                        + " as memory keeps it (its text and properties), more than all writes waiting for the stores"
                        + " may be (maxBacklogBytes=" + settings.maxBacklogBytes() + ", "
                        + size(settings.maxBacklogBytes()) + "); remember less (a summary, or a file's path instead"
                        + " of its content), or raise maxBacklogBytes in " + CONFIG_FILE);
            }
            lines.add(line);
            bytes += line.bytes().length;
        }
        if (items.size() > settings.maxBacklog() || bytes > settings.maxBacklogBytes()) {
            throw new IllegalArgumentException("these " + items.size() + " items (" + size(bytes)
                    + ") are more than all writes waiting for the stores may be (maxBacklog=" + settings.maxBacklog()
                    + ", maxBacklogBytes=" + settings.maxBacklogBytes() + "); remember them in smaller groups, or"
                    + " raise the bounds in " + CONFIG_FILE);
        }
        List<WriteAheadLog.Entry> entries;
        synchronized (pending) {
            if (backlogItems + items.size() > settings.maxBacklog())
                throw full(items.size() + " more writes would pass maxBacklog=" + settings.maxBacklog(), "maxBacklog");
            if (backlogBytes + bytes > settings.maxBacklogBytes())
                throw full(
                        size(bytes) + " more would pass maxBacklogBytes=" + settings.maxBacklogBytes() + " ("
                                + size(settings.maxBacklogBytes()) + ")",
                        "maxBacklogBytes");
            entries = wal.append(lines);
            pending.addAll(entries);
            backlogItems += entries.size();
            backlogBytes += bytes;
            pending.notifyAll();
        }
        for (WriteAheadLog.Entry entry : entries) shortTerm.put(entry.item(), entry.bytes());
        return items;
    }

    /** Back-pressure: nothing is taken, nothing already accepted is lost. Called holding {@link #pending}. */
    private MemoryFullException full(String what, String bound) {
        String problem = storeProblem;
        return new MemoryFullException("memory is full: " + backlogItems + " writes (" + size(backlogBytes)
                + ") wait for the stores and " + what + ". Nothing accepted is lost; try again once the stores"
                + " catch up (" + (problem == null ? "they are writing" : "now: " + problem) + "), or raise " + bound
                + " in " + CONFIG_FILE);
    }

    /** Bytes as a person reads them: 512 B, 3.5 KiB, 256 MiB. */
    static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return (value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value))
                + " " + units[unit];
    }

    private void write() {
        long backoff = 250;
        WriteAheadLog.Chunk replaying = null; // read from the log, not yet in the stores
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
                if (replaying == null && !replay.done()) {
                    // the log a chunk at a time: however large it grew, only one batch of it is in memory
                    replaying = replay.next(BATCH, BATCH_BYTES);
                    long entryBytes = bytes(replaying.entries());
                    synchronized (pending) { // unreadable lines are reported by the log and wait no more
                        backlogItems -= replaying.lines() - replaying.entries().size();
                        backlogBytes -= replaying.bytes() - entryBytes;
                    }
                }
                List<WriteAheadLog.Entry> batch = new ArrayList<>();
                if (replaying != null) batch.addAll(replaying.entries());
                else
                    synchronized (pending) {
                        if (pending.isEmpty()) pending.wait(1000);
                        long size = 0;
                        for (WriteAheadLog.Entry entry : pending) {
                            if (batch.size() == BATCH || size >= BATCH_BYTES) break;
                            batch.add(entry);
                            size += entry.bytes();
                        }
                    }
                if (closed || (batch.isEmpty() && replaying == null)) continue;
                if (!batch.isEmpty()) store(e, batch);
                synchronized (pending) {
                    long end;
                    if (replaying != null) {
                        end = replaying.end(); // past the unreadable lines at its end, too
                        replaying = null;
                    } else {
                        for (int i = 0; i < batch.size(); i++) pending.poll();
                        end = batch.get(batch.size() - 1).end();
                    }
                    backlogItems -= batch.size();
                    backlogBytes -= bytes(batch);
                    wal.checkpoint(pending.isEmpty() && replay.done() ? Long.MAX_VALUE : end);
                }
                written += batch.size();
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

    /** One batch into the graph and the vector store; both writes are idempotent, so a retry is safe. */
    private void store(TextEmbedder e, List<WriteAheadLog.Entry> batch) {
        List<MemoryItem> items = batch.stream().map(WriteAheadLog.Entry::item).toList();
        List<float[]> embedded = e.embedAll(items.stream().map(MemoryItem::text).toList());
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
        for (int i = 0; i < items.size(); i++) shortTerm.vector(items.get(i).id(), embedded.get(i));
    }

    private static long bytes(List<WriteAheadLog.Entry> entries) {
        long sum = 0;
        for (WriteAheadLog.Entry entry : entries) sum += entry.bytes();
        return sum;
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
        started();
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
        List<ShortTermMemory.Recent> recent = shortTerm.items();
        List<ShortTermMemory.Recent> unembedded = recent.stream()
                .filter(r -> r.vector == null && matches(r.item, recall))
                .toList();
        if (!unembedded.isEmpty()) {
            List<float[]> vs =
                    e.embedAll(unembedded.stream().map(r -> r.item.text()).toList());
            for (int i = 0; i < vs.size(); i++) unembedded.get(i).vector = vs.get(i);
        }
        for (ShortTermMemory.Recent r : recent) {
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
        started();
        try {
            return graph.instanceGraph(instanceId);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the graph is not reachable: " + e.getMessage(), e);
        }
    }

    @Override
    public List<ToolUse> toolsForTasksLike(String taskText, int k) {
        started();
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
        started();
        try {
            return graph.errorsAfter(tool, limit);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the graph is not reachable: " + e.getMessage(), e);
        }
    }

    private void started() {
        if (failure != null) throw new IllegalStateException(failure);
    }

    @Override
    public long backlog() {
        synchronized (pending) {
            return backlogItems;
        }
    }

    /** The bytes (as the memory log holds them) of the writes waiting for the stores. */
    public long backlogBytes() {
        synchronized (pending) {
            return backlogBytes;
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
        return vectors == null ? "(none)" : vectors.name();
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
        if (writer == null) return; // never started
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
