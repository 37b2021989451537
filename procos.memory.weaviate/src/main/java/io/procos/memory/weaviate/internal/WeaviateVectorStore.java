package io.procos.memory.weaviate.internal;

import io.procos.api.memory.Recall;
import io.procos.memory.spi.VectorStore;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Memory's vectors in Weaviate, for {@code vectorStore=weaviate} in {@code conf/io.procos.memory.cfg}: registered
 * while {@code conf/io.procos.memory.weaviate.cfg} exists (the kernel installs this bundle only then), with the
 * server's URL, its API key and the collection from that file.
 */
@Component(
        service = VectorStore.class,
        configurationPid = WeaviateVectorStore.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = VectorStore.NAME_PROPERTY + "=weaviate")
@Designate(ocd = WeaviateVectorStore.Config.class)
public final class WeaviateVectorStore implements VectorStore {

    static final String PID = "io.procos.memory.weaviate";
    private static final Logger LOG = LoggerFactory.getLogger(WeaviateVectorStore.class);

    @ObjectClassDefinition(
            name = "ProcOS memory in Weaviate",
            description = "Where memory keeps its vectors when conf/io.procos.memory.cfg says vectorStore=weaviate")
    public @interface Config {
        @AttributeDefinition(description = "the Weaviate server, like http://127.0.0.1:8081")
        String url();

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "its API key; empty: none")
        String apiKey() default "";

        @AttributeDefinition(description = "the collection, starting with a capital letter")
        String collection() default "ProcosMemory";
    }

    private final WeaviateStore store;

    @Activate
    public WeaviateVectorStore(Config config) throws Exception {
        try {
            this.store = new WeaviateStore(
                    config.url().strip(), config.apiKey(), config.collection().strip());
        } catch (IllegalArgumentException e) {
            LOG.error("conf/{}.cfg: {}", PID, e.getMessage());
            throw e;
        }
        LOG.info("Memory's vectors can go to {}", store.name());
    }

    @Override
    public String name() {
        return store.name();
    }

    @Override
    public void ensureSchema(int dimensions) {
        store.ensureSchema(dimensions);
    }

    @Override
    public void upsert(List<Entry> entries) {
        store.upsert(entries);
    }

    @Override
    public List<Match> search(float[] vector, Recall recall) {
        return store.search(vector, recall);
    }

    @Override
    public long count() {
        return store.count();
    }

    @Deactivate
    @Override
    public void close() {
        store.close();
    }
}
