package io.procos.llm.internal;

import io.procos.api.health.Health;
import io.procos.api.health.HealthContributor;
import io.procos.api.llm.TextEmbedder;
import java.io.File;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the in-process embedding model in the background (so it does not hold up the framework's
 * start) and registers it as a {@link TextEmbedder} once it works.
 */
@Component(immediate = true, service = HealthContributor.class)
public final class EmbedderComponent implements HealthContributor {

    private static final Logger LOG = LoggerFactory.getLogger(EmbedderComponent.class);

    private final BundleContext context;
    private final Thread loader;
    private volatile ServiceRegistration<TextEmbedder> registration;
    private volatile TextEmbedder embedder;
    private volatile String failure;

    @Activate
    public EmbedderComponent(BundleContext context) {
        this.context = context;
        // DJL unpacks its tokenizer library once per cache folder and cannot load it again from another
        // class loader: a folder per installation of this bundle survives updates in the same JVM
        File cache = context.getDataFile("djl");
        if (cache != null && System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", cache.getAbsolutePath());
        }
        this.loader = new Thread(this::load, "procos-embedding-model");
        loader.setDaemon(true);
        loader.start();
    }

    private void load() {
        try {
            long start = System.nanoTime();
            TextEmbedder e = new MiniLmEmbedder();
            e.embed("warm up");
            embedder = e;
            registration = context.registerService(TextEmbedder.class, e, null);
            LOG.info("Embedding model {} ready in {} ms", e.model(), (System.nanoTime() - start) / 1_000_000);
        } catch (Throwable t) { // a native library that does not load must not take the bundle down
            failure = t.toString();
            LOG.error("The embedding model did not load", t);
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        loader.join(30_000);
        if (registration != null) registration.unregister();
    }

    @Override
    public String name() {
        return "embeddings";
    }

    @Override
    public Health check() {
        if (failure != null) return Health.degraded("the embedding model did not load: " + failure);
        TextEmbedder e = embedder;
        return e == null
                ? Health.degraded("loading the embedding model")
                : Health.up(e.model() + ", " + e.dimensions() + " dimensions");
    }
}
