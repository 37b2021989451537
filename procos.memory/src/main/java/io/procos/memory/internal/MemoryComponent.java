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
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * every task executor decision (EventAdmin), the sample processes on first start, and what is saved
 * through {@code /api/memory}.
 */
@Component(
        configurationPid = MemoryComponent.PID,
        service = {Memory.class, HealthContributor.class, EventHandler.class},
        property = EventConstants.EVENT_TOPIC + "=" + TaskRunEvent.TOPIC)
@Designate(ocd = MemoryComponent.Config.class)
public final class MemoryComponent implements Memory, HealthContributor, EventHandler {

    static final String PID = "io.procos.memory";
    private static final Logger LOG = LoggerFactory.getLogger(MemoryComponent.class);

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

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile TextEmbedder embedder;

    private final GraphServerProcess server;
    private final MemoryService memory;
    private final String graphUri;
    private final String failure;

    @Activate
    public MemoryComponent(BundleContext context, Config config) throws Exception {
        Path home = Path.of(context.getProperty("procos.home") == null ? "." : context.getProperty("procos.home"))
                .toAbsolutePath();
        GraphServerProcess started = null;
        MemoryService service = null;
        String uri = config.graphUri().strip();
        String problem = null;
        try {
            String password = config.graphPassword();
            if (uri.isEmpty()) {
                Path lib = home.resolve("neo4j/lib");
                if (!Files.isDirectory(lib))
                    throw new IllegalStateException("the embedded graph server is missing: no " + lib);
                started = new GraphServerProcess(
                        home.resolve("neo4j").toString() + "/*" + java.io.File.pathSeparator + lib + "/*",
                        home.resolve("data/neo4j"),
                        home.resolve("conf/neo4j-password"),
                        home.resolve("data/log/neo4j.log"),
                        config.graphPort(),
                        config.graphHeap(),
                        () -> embedder != null); // memory cannot write without it anyway
                uri = started.uri();
                password = started.password();
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
            List<URL> samples = new ArrayList<>();
            Enumeration<URL> found = context.getBundle().findEntries("samples", "*.bpmn", false);
            if (found != null && config.loadSamples()) samples.addAll(Collections.list(found));
            service = new MemoryService(
                    new WriteAheadLog(home.resolve("data/memory")),
                    () -> embedder,
                    graph,
                    vectors,
                    new MemoryService.Settings(
                            config.shortTermItems(), config.maxBacklog(), m -> loadSamples(graph, m, samples)));
        } catch (Exception e) {
            problem = "memory cannot start: " + e.getMessage();
            LOG.error(problem, e);
            if (started != null) started.close();
            started = null;
        }
        this.server = started;
        this.memory = service;
        this.graphUri = uri;
        this.failure = problem;
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
        if (memory != null) {
            memory.awaitWritten(java.time.Duration.ofSeconds(2)); // what is left stays in the log for the next start
            memory.close();
        }
        if (server != null) server.close();
    }

    private MemoryService memory() {
        if (memory == null) throw new IllegalStateException(failure);
        return memory;
    }

    @Override
    public MemoryItem remember(MemoryItem item) {
        return memory().remember(item);
    }

    @Override
    public List<Hit> recall(String query, Recall recall) {
        return memory().recall(query, recall);
    }

    @Override
    public Graph instanceGraph(String instanceId) {
        return memory().instanceGraph(instanceId);
    }

    @Override
    public List<ToolUse> toolsForTasksLike(String taskText, int k) {
        return memory().toolsForTasksLike(taskText, k);
    }

    @Override
    public List<ErrorCount> errorsAfter(String tool, int limit) {
        return memory().errorsAfter(tool, limit);
    }

    @Override
    public long backlog() {
        return memory == null ? 0 : memory.backlog();
    }

    @Override
    public void handleEvent(Event event) {
        if (memory == null) return;
        Map<String, Object> properties = new HashMap<>();
        for (String name : event.getPropertyNames()) properties.put(name, event.getProperty(name));
        try {
            memory.rememberAll(DecisionMemory.items(TaskRunEvent.run(properties)));
        } catch (RuntimeException e) {
            LOG.warn("A decision could not be remembered: {}", e.getMessage());
        }
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Health check() {
        if (failure != null) return Health.degraded(failure);
        String problem = memory.problem();
        String where =
                "graph " + graphUri + (server != null ? " (embedded, restarted " + server.restarts() + " times)" : "")
                        + ", vectors in " + memory.vectorStoreName();
        if (problem == null) return Health.up(memory.written() + " items written; " + where);
        return Health.degraded(problem + "; " + memory.backlog() + " writes waiting, none lost; " + where);
    }
}
