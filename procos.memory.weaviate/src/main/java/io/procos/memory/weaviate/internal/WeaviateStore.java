package io.procos.memory.weaviate.internal;

import io.procos.api.memory.Recall;
import io.procos.memory.spi.VectorStore;
import io.weaviate.client.Config;
import io.weaviate.client.WeaviateAuthClient;
import io.weaviate.client.WeaviateClient;
import io.weaviate.client.base.Result;
import io.weaviate.client.v1.batch.api.ObjectsBatcher;
import io.weaviate.client.v1.batch.model.ObjectGetResponse;
import io.weaviate.client.v1.data.model.WeaviateObject;
import io.weaviate.client.v1.filters.Operator;
import io.weaviate.client.v1.filters.WhereFilter;
import io.weaviate.client.v1.graphql.model.GraphQLResponse;
import io.weaviate.client.v1.graphql.query.argument.NearVectorArgument;
import io.weaviate.client.v1.graphql.query.fields.Field;
import io.weaviate.client.v1.schema.model.Property;
import io.weaviate.client.v1.schema.model.WeaviateClass;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Memory vectors in Weaviate (weaviate-java-client), one object per item in the collection named by
 * configuration, with ProcOS's own vectors ({@code vectorizer: none}, cosine distance).
 */
final class WeaviateStore implements VectorStore {

    private final WeaviateClient client;
    private final String collection;
    private final String url;

    WeaviateStore(String url, String apiKey, String collection) throws Exception {
        URI uri = URI.create(url);
        if (uri.getScheme() == null || uri.getHost() == null)
            throw new IllegalArgumentException("the Weaviate URL must look like http://host:8080, not " + url);
        if (!collection.matches("[A-Z][A-Za-z0-9_]*"))
            throw new IllegalArgumentException(
                    "a Weaviate collection name starts with a capital letter, not " + collection);
        String host = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        Config config = new Config(uri.getScheme(), host);
        this.client = apiKey == null || apiKey.isBlank()
                ? new WeaviateClient(config)
                : WeaviateAuthClient.apiKey(config, apiKey);
        this.collection = collection;
        this.url = url;
    }

    @Override
    public String name() {
        return "weaviate " + collection + " at " + url;
    }

    private static <T> T check(Result<T> result, String what) {
        if (result.hasErrors())
            throw new IllegalStateException("Weaviate could not " + what + ": " + result.getError());
        return result.getResult();
    }

    @Override
    public void ensureSchema(int dimensions) {
        Boolean exists =
                check(client.schema().exists().withClassName(collection).run(), "check the collection");
        if (Boolean.TRUE.equals(exists)) return;
        List<Property> properties = new ArrayList<>();
        for (String text : List.of("itemId", "kind", "text", "processKey", "properties")) {
            properties.add(
                    Property.builder().name(text).dataType(List.of("text")).build());
        }
        properties.add(
                Property.builder().name("createdAt").dataType(List.of("number")).build());
        check(
                client.schema()
                        .classCreator()
                        .withClass(WeaviateClass.builder()
                                .className(collection)
                                .description("ProcOS memory")
                                .vectorizer("none")
                                .properties(properties)
                                .build())
                        .run(),
                "create the collection");
    }

    static String uuid(String id) {
        try {
            return UUID.fromString(id).toString();
        } catch (IllegalArgumentException e) {
            return UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8)).toString();
        }
    }

    @Override
    public void upsert(List<Entry> entries) {
        try (ObjectsBatcher batcher = client.batch().objectsBatcher()) {
            for (Entry e : entries) {
                Float[] vector = new Float[e.vector().length];
                for (int i = 0; i < vector.length; i++) vector[i] = e.vector()[i];
                Map<String, Object> props = new LinkedHashMap<>();
                props.put("itemId", e.id());
                props.put("kind", e.kind());
                props.put("text", e.text());
                props.put("processKey", e.processKey() == null ? "" : e.processKey());
                props.put("properties", e.properties());
                props.put("createdAt", (double) e.createdAt());
                batcher.withObject(WeaviateObject.builder()
                        .className(collection)
                        .id(uuid(e.id()))
                        .properties(props)
                        .vector(vector)
                        .build());
            }
            ObjectGetResponse[] responses = check(batcher.run(), "store the vectors");
            for (ObjectGetResponse r : responses) {
                if (r.getResult() != null && r.getResult().getErrors() != null) {
                    throw new IllegalStateException(
                            "Weaviate refused an object: " + r.getResult().getErrors());
                }
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<Match> search(float[] vector, Recall recall) {
        Float[] v = new Float[vector.length];
        for (int i = 0; i < v.length; i++) v[i] = vector[i];
        List<WhereFilter> filters = new ArrayList<>();
        if (recall.kind() != null)
            filters.add(WhereFilter.builder()
                    .path("kind")
                    .operator(Operator.Equal)
                    .valueText(recall.kind())
                    .build());
        if (recall.processKey() != null)
            filters.add(WhereFilter.builder()
                    .path("processKey")
                    .operator(Operator.Equal)
                    .valueText(recall.processKey())
                    .build());
        if (recall.since() != null)
            filters.add(WhereFilter.builder()
                    .path("createdAt")
                    .operator(Operator.GreaterThanEqual)
                    .valueNumber((double) recall.since().toEpochMilli())
                    .build());
        var get = client.graphQL()
                .get()
                .withClassName(collection)
                .withFields(
                        Field.builder().name("itemId").build(),
                        Field.builder().name("kind").build(),
                        Field.builder().name("text").build(),
                        Field.builder().name("processKey").build(),
                        Field.builder().name("createdAt").build(),
                        Field.builder().name("properties").build(),
                        Field.builder()
                                .name("_additional")
                                .fields(Field.builder().name("distance").build())
                                .build())
                .withNearVector(NearVectorArgument.builder().vector(v).build())
                .withLimit(recall.k());
        if (filters.size() == 1) get = get.withWhere(filters.get(0));
        if (filters.size() > 1)
            get = get.withWhere(WhereFilter.builder()
                    .operator(Operator.And)
                    .operands(filters.toArray(WhereFilter[]::new))
                    .build());
        GraphQLResponse<?> response = check(get.run(), "search");
        if (response.getErrors() != null && response.getErrors().length > 0) {
            throw new IllegalStateException("Weaviate could not search: " + response.getErrors()[0].getMessage());
        }
        Map<String, Object> data = (Map<String, Object>) response.getData();
        List<Map<String, Object>> objects =
                (List<Map<String, Object>>) ((Map<String, Object>) data.get("Get")).get(collection);
        List<Match> out = new ArrayList<>();
        if (objects == null) return out;
        for (Map<String, Object> o : objects) {
            double distance = ((Number) ((Map<String, Object>) o.get("_additional")).get("distance")).doubleValue();
            out.add(new Match(
                    new Entry(
                            str(o.get("itemId")),
                            str(o.get("kind")),
                            str(o.get("text")),
                            str(o.get("processKey")),
                            o.get("createdAt") instanceof Number n ? n.longValue() : 0,
                            str(o.get("properties")),
                            null),
                    1 - distance));
        }
        return out;
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    @Override
    @SuppressWarnings("unchecked")
    public long count() {
        GraphQLResponse<?> response = check(
                client.graphQL()
                        .aggregate()
                        .withClassName(collection)
                        .withFields(Field.builder()
                                .name("meta")
                                .fields(Field.builder().name("count").build())
                                .build())
                        .run(),
                "count");
        Map<String, Object> data = (Map<String, Object>) response.getData();
        List<Map<String, Object>> rows =
                (List<Map<String, Object>>) ((Map<String, Object>) data.get("Aggregate")).get(collection);
        return ((Number) ((Map<String, Object>) rows.get(0).get("meta")).get("count")).longValue();
    }

    /** Removes the collection: for tests only. */
    void drop() {
        client.schema().classDeleter().withClassName(collection).run();
    }

    @Override
    public void close() {
        // the client holds no resources that need closing
    }
}
