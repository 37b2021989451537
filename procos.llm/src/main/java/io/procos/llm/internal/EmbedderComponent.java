package io.procos.llm.internal;

import io.procos.api.health.Health;
import io.procos.api.health.HealthContributor;
import io.procos.api.llm.TextEmbedder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the in-process embedding model in the background (so it does not hold up the framework's
 * start) and registers it as a {@link TextEmbedder} once it works. Which model: {@value #PID}'s
 * {@code model} (e.g. {@code conf/io.procos.llm.embedder.cfg}), all-MiniLM-L6-v2 without one. A changed
 * model replaces the service; a model this bundle does not have registers nothing and says why in health.
 */
@Component(
        immediate = true,
        service = HealthContributor.class,
        configurationPid = EmbedderComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = EmbedderComponent.Config.class)
public final class EmbedderComponent implements HealthContributor {

    static final String PID = "io.procos.llm.embedder";

    @ObjectClassDefinition(
            name = "ProcOS embedding model",
            description = "The in-process model that turns text into vectors for the planner, memory and search.")
    public @interface Config {
        @AttributeDefinition(
                description = "Which model. Vectors of different models do not compare: memory's stored vectors and"
                        + " the planner's threshold belong to the model they were made with.",
                options = {
                    @Option(label = "all-MiniLM-L6-v2", value = MiniLmEmbedder.ID),
                    @Option(label = "bge-small-en-v1.5 (quantized)", value = BgeSmallEmbedder.ID)
                })
        String model() default DEFAULT;
    }

    /** The model without a configuration, or with an empty {@code model}. */
    static final String DEFAULT = MiniLmEmbedder.ID;

    private static final Logger LOG = LoggerFactory.getLogger(EmbedderComponent.class);

    private final BundleContext context;
    private final String model;
    private final Thread loader;
    private volatile ServiceRegistration<TextEmbedder> registration;
    private volatile TextEmbedder embedder;
    private volatile String failure;
    private volatile String waitingFor;
    private boolean closed;

    /** How long a configuration file in FileInstall's folder may take to arrive before the default loads. */
    static final long PENDING_MILLIS = 20_000;

    @Activate
    public EmbedderComponent(BundleContext context, Config config, Map<String, Object> properties) {
        this.context = context;
        this.model = config.model() == null || config.model().isBlank()
                ? DEFAULT
                : config.model().strip().toLowerCase(Locale.ROOT);
        if (!MODELS.contains(model)) {
            failure = "the embedding model configuration (" + PID + ") cannot work: no model '" + model
                    + "' in this bundle (model is one of " + String.join(", ", MODELS) + ")";
            LOG.error(failure);
            this.loader = null;
            return;
        }
        // DJL unpacks its tokenizer library once per cache folder and cannot load it again from another
        // class loader: a folder per installation of this bundle survives updates in the same JVM
        File cache = context.getDataFile("djl");
        if (cache != null && System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", cache.getAbsolutePath());
        }
        // FileInstall starts after this bundle: without a configuration yet, but with a file that will give one,
        // loading the default would cost a model's load and its memory (its class keeps it) for nothing
        Path pending = properties.containsKey(Constants.SERVICE_PID) ? null : pendingConfiguration(context);
        this.loader = new Thread(() -> load(pending), "procos-embedding-model");
        loader.setDaemon(true);
        loader.start();
    }

    /** This component's configuration file in FileInstall's folder, if there is one. */
    static Path pendingConfiguration(BundleContext context) {
        String dir = context.getProperty("felix.fileinstall.dir");
        if (dir == null || dir.isBlank()) return null;
        for (String suffix : List.of(".cfg", ".config")) {
            Path file = Path.of(dir, PID + suffix);
            if (Files.isRegularFile(file)) return file;
        }
        return null;
    }

    private void load(Path pending) {
        if (pending != null) {
            waitingFor = pending.toString();
            long until = System.currentTimeMillis() + PENDING_MILLIS;
            synchronized (this) {
                for (long left; !closed && (left = until - System.currentTimeMillis()) > 0; ) {
                    try {
                        wait(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (closed) return; // the configuration came: the component that has it loads the model
            }
            waitingFor = null;
            LOG.warn("{} gave no configuration within {} s: loading {}", pending, PENDING_MILLIS / 1000, model);
        }
        try {
            long start = System.nanoTime();
            TextEmbedder e = create(model);
            e.embed("warm up");
            synchronized (this) {
                // a configuration that arrived while loading (FileInstall reads conf/ after this bundle
                // started) deactivated this component: the next one registers its model, this one nothing
                if (closed) {
                    LOG.info("Embedding model {} loaded after its configuration changed: not registered", e.model());
                    return;
                }
                embedder = e;
                registration = context.registerService(TextEmbedder.class, e, null);
            }
            LOG.info("Embedding model {} ready in {} ms", e.model(), (System.nanoTime() - start) / 1_000_000);
        } catch (Throwable t) { // a native library that does not load must not take the bundle down
            failure = "the embedding model did not load: " + t;
            LOG.error("The embedding model did not load", t);
        }
    }

    /** The values of {@code model} this bundle can load. */
    static final List<String> MODELS = List.of(MiniLmEmbedder.ID, BgeSmallEmbedder.ID);

    /** The model a configuration names (one of {@link #MODELS}); loads it (1–2 s). */
    static TextEmbedder create(String model) {
        return switch (model) {
            case MiniLmEmbedder.ID -> new MiniLmEmbedder();
            case BgeSmallEmbedder.ID -> new BgeSmallEmbedder();
            default -> throw new IllegalArgumentException("no embedding model " + model);
        };
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        if (loader != null) loader.join(30_000); // its native libraries are loading: not beside a successor
        synchronized (this) {
            if (registration != null) registration.unregister();
            registration = null;
        }
    }

    @Override
    public String name() {
        return "embeddings";
    }

    @Override
    public Health check() {
        if (failure != null) return Health.degraded(failure);
        TextEmbedder e = embedder;
        return e == null
                ? Health.degraded(
                        waitingFor != null
                                ? "waiting for the embedding model's configuration in " + waitingFor
                                : "loading the embedding model " + model)
                : Health.up(e.model() + ", " + e.dimensions() + " dimensions");
    }
}
