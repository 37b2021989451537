package io.procos.memory.internal;

import io.procos.api.memory.ErrorCount;
import io.procos.api.memory.Graph;
import io.procos.api.memory.MemoryItem;
import io.procos.api.memory.Recall;
import io.procos.api.memory.Relation;
import io.procos.memory.spi.VectorStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;
import org.neo4j.driver.types.Node;
import org.neo4j.driver.types.Path;

/**
 * The graph in Neo4j: every item a {@code :Memory} node (plus a label for its kind, e.g.
 * {@code :Decision}) keyed by id; processes, instances, tasks, tools and prompts merged by their keys;
 * relations as the items say. Also the default {@link VectorStore}: the items' vectors in the vector
 * index {@value #INDEX}. Every write is idempotent, so the write-ahead log may replay it.
 */
final class Neo4jGraph implements VectorStore {

    static final String INDEX = "memory_embedding";
    /** Labels of things merged by a key of their own rather than created as items. */
    static final Map<String, String> KEYS =
            Map.of("Process", "key", "Instance", "id", "Task", "id", "Tool", "name", "Prompt", "name");

    private final Driver driver;

    Neo4jGraph(String uri, String user, String password) {
        this.driver = GraphDatabase.driver(
                uri,
                AuthTokens.basic(user, password),
                Config.builder()
                        .withConnectionTimeout(5, java.util.concurrent.TimeUnit.SECONDS)
                        .withConnectionAcquisitionTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                        .withMaxConnectionPoolSize(8)
                        .build());
    }

    @Override
    public String name() {
        return "neo4j vector index";
    }

    void verify() {
        driver.verifyConnectivity();
    }

    /** Constraints and indexes, created only when missing. */
    @Override
    public void ensureSchema(int dimensions) {
        try (Session s = driver.session()) {
            s.run("CREATE CONSTRAINT memory_id IF NOT EXISTS FOR (m:Memory) REQUIRE m.id IS UNIQUE")
                    .consume();
            for (Map.Entry<String, String> key : KEYS.entrySet()) {
                s.run("CREATE CONSTRAINT " + key.getKey().toLowerCase(Locale.ROOT) + "_key IF NOT EXISTS FOR (n:"
                                + key.getKey() + ") REQUIRE n." + key.getValue() + " IS UNIQUE")
                        .consume();
            }
            s.run("CREATE INDEX memory_kind IF NOT EXISTS FOR (m:Memory) ON (m.kind)")
                    .consume();
            s.run("CREATE VECTOR INDEX " + INDEX
                            + " IF NOT EXISTS FOR (m:Memory) ON (m.embedding) OPTIONS {indexConfig: {"
                            + "`vector.dimensions`: " + dimensions + ", `vector.similarity_function`: 'cosine'}}")
                    .consume();
            s.run("CALL db.awaitIndexes(300)").consume();
        }
    }

    static String label(String kind) {
        String letters = kind.replaceAll("[^A-Za-z]", "");
        String label = letters.isEmpty() ? "Item" : Character.toUpperCase(letters.charAt(0)) + letters.substring(1);
        return KEYS.containsKey(label)
                ? label + "Item"
                : label; // a remembered process description is not the process node
    }

    /** Writes the items and their relations in one transaction. */
    void write(List<MemoryItem> items) {
        Map<String, List<Map<String, Object>>> byLabel = new LinkedHashMap<>();
        Map<String, List<Map<String, Object>>> byRelation = new LinkedHashMap<>();
        for (MemoryItem item : items) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", item.id());
            Map<String, Object> props = new LinkedHashMap<>();
            item.properties().forEach((k, v) -> {
                if (k.matches("[A-Za-z][A-Za-z0-9_]{0,63}")
                        && !Set.of("id", "kind", "text", "createdAt", "embedding")
                                .contains(k)) {
                    props.put(k, plain(v));
                }
            });
            props.put("kind", item.kind());
            props.put("text", item.text());
            props.put("createdAt", item.createdAt().toEpochMilli());
            props.put(
                    "properties",
                    WriteAheadLog.JSON.valueToTree(item.properties()).toString());
            row.put("props", props);
            byLabel.computeIfAbsent(label(item.kind()), l -> new ArrayList<>()).add(row);
            for (Relation r : item.relations()) {
                Relation.Node from =
                        r.from() == Relation.Node.SELF || r.from().label().isEmpty()
                                ? new Relation.Node("", item.id())
                                : r.from();
                Relation.Node to =
                        r.to() == Relation.Node.SELF || r.to().label().isEmpty()
                                ? new Relation.Node("", item.id())
                                : r.to();
                String shape = match(from.label()) + "|" + r.type() + "|" + match(to.label());
                byRelation
                        .computeIfAbsent(shape, s -> new ArrayList<>())
                        .add(Map.of("from", from.key(), "to", to.key()));
            }
        }
        try (Session s = driver.session()) {
            s.executeWriteWithoutResult(tx -> {
                byLabel.forEach((label, rows) -> tx.run(
                                "UNWIND $rows AS row MERGE (m:Memory {id: row.id}) SET m += row.props, m:" + label,
                                Map.of("rows", rows))
                        .consume());
                byRelation.forEach((shape, rows) -> {
                    String[] p = shape.split("\\|");
                    tx.run(
                                    "UNWIND $rows AS row MERGE (a" + p[0].replace("$k", "row.from") + ") MERGE (b"
                                            + p[2].replace("$k", "row.to") + ") MERGE (a)-[:" + p[1] + "]->(b)",
                                    Map.of("rows", rows))
                            .consume();
                });
            });
        }
    }

    /** The MERGE pattern of a node: things by their own key, items by id (as :Memory). */
    private static String match(String label) {
        String key = KEYS.get(label);
        return key != null ? ":" + label + " {" + key + ": $k}" : ":Memory {id: $k}";
    }

    private static Object plain(Object v) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) return v == null ? "" : v;
        return WriteAheadLog.JSON.valueToTree(v).toString();
    }

    @Override
    public void upsert(List<Entry> entries) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Entry e : entries) {
            List<Float> vector = new ArrayList<>(e.vector().length);
            for (float f : e.vector()) vector.add(f);
            rows.add(Map.of(
                    "id",
                    e.id(),
                    "kind",
                    e.kind(),
                    "text",
                    e.text(),
                    "createdAt",
                    e.createdAt(),
                    "processKey",
                    e.processKey() == null ? "" : e.processKey(),
                    "properties",
                    e.properties(),
                    "vector",
                    vector));
        }
        try (Session s = driver.session()) {
            s.executeWriteWithoutResult(tx -> tx.run(
                            "UNWIND $rows AS row MERGE (m:Memory {id: row.id}) "
                                    + "ON CREATE SET m.kind = row.kind, m.text = row.text, m.createdAt = row.createdAt, m.processKey = row.processKey, "
                                    + "m.properties = row.properties WITH m, row CALL db.create.setNodeVectorProperty(m, 'embedding', row.vector)",
                            Map.of("rows", rows))
                    .consume());
        }
    }

    @Override
    public List<Match> search(float[] vector, Recall recall) {
        List<Float> v = new ArrayList<>(vector.length);
        for (float f : vector) v.add(f);
        boolean filtered = recall.kind() != null || recall.processKey() != null || recall.since() != null;
        // asking the HNSW index for more candidates than wanted raises its recall; filters need more still
        int candidates = Math.min(filtered ? Math.max(recall.k() * 20, 200) : Math.max(recall.k() * 5, 50), 1000);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("n", candidates);
        params.put("k", recall.k());
        params.put("vector", v);
        params.put("kind", recall.kind());
        params.put("process", recall.processKey());
        params.put("since", recall.since() == null ? null : recall.since().toEpochMilli());
        try (Session s = driver.session()) {
            // one auto-commit query: a single round trip, where a transaction function would take more
            return s.run(new org.neo4j.driver.Query(
                            "CALL db.index.vector.queryNodes('" + INDEX + "', $n, $vector) YIELD node, score "
                                    + "WHERE ($kind IS NULL OR node.kind = $kind) AND ($process IS NULL OR node.processKey = $process) "
                                    + "AND ($since IS NULL OR node.createdAt >= $since) "
                                    + "WITH node, score ORDER BY score DESC LIMIT $k " // only the k best are read
                                    + "RETURN node.id AS id, node.kind AS kind, node.text AS text, node.processKey AS processKey, "
                                    + "node.createdAt AS createdAt, node.properties AS properties, score",
                            params))
                    .list(r -> new Match(
                            new Entry(
                                    r.get("id").asString(),
                                    r.get("kind").asString(""),
                                    r.get("text").asString(""),
                                    r.get("processKey").asString(""),
                                    r.get("createdAt").asLong(0),
                                    r.get("properties").asString("{}"),
                                    null),
                            2 * r.get("score").asDouble() - 1)); // Neo4j answers (1 + cos) / 2
        }
    }

    @Override
    public long count() {
        try (Session s = driver.session()) {
            return s.run("MATCH (m:Memory) WHERE m.embedding IS NOT NULL RETURN count(m) AS n")
                    .single()
                    .get("n")
                    .asLong();
        }
    }

    /** The instance, and everything reachable from it along the direction of the relations (its process, tasks, decisions, tools, errors). */
    Graph instanceGraph(String instanceId) {
        Map<String, Graph.Node> nodes = new LinkedHashMap<>();
        List<Graph.Edge> edges = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        try (Session s = driver.session()) {
            List<Record> records = s.run(
                            "MATCH (i:Instance {id: $id}) OPTIONAL MATCH p = (i)-[*1..4]->() RETURN i, collect(p) AS paths",
                            Map.of("id", instanceId))
                    .list();
            for (Record r : records) {
                Node instance = r.get("i").asNode();
                nodes.putIfAbsent(instance.elementId(), node(instance));
                for (Value pathValue : r.get("paths").values()) {
                    Path path = pathValue.asPath();
                    for (Node n : path.nodes()) nodes.putIfAbsent(n.elementId(), node(n));
                    for (org.neo4j.driver.types.Relationship rel : path.relationships()) {
                        if (seen.add(rel.elementId())) {
                            edges.add(new Graph.Edge(
                                    id(rel.startNodeElementId(), nodes),
                                    rel.type(),
                                    id(rel.endNodeElementId(), nodes)));
                        }
                    }
                }
            }
        }
        return new Graph(new ArrayList<>(nodes.values()), edges);
    }

    private static String id(String elementId, Map<String, Graph.Node> nodes) {
        Graph.Node n = nodes.get(elementId);
        return n == null ? elementId : n.id();
    }

    private static Graph.Node node(Node n) {
        List<String> labels = new ArrayList<>();
        n.labels().forEach(labels::add);
        Map<String, Object> props = new LinkedHashMap<>(n.asMap());
        props.remove("embedding");
        props.remove("properties");
        String label = labels.stream().filter(KEYS::containsKey).findFirst().orElse(null);
        String id = label != null ? label + ":" + props.get(KEYS.get(label)) : String.valueOf(props.get("id"));
        return new Graph.Node(id, labels, props);
    }

    List<ErrorCount> errorsAfter(String tool, int limit) {
        try (Session s = driver.session()) {
            return s.run(
                            "MATCH (d:Memory)-[:USED]->(:Tool {name: $tool}) MATCH (d)-[:FAILED_WITH]->(e:Memory) "
                                    + "RETURN e.text AS message, count(*) AS n ORDER BY n DESC, message LIMIT $limit",
                            Map.of("tool", tool, "limit", limit))
                    .list(r -> new ErrorCount(
                            r.get("message").asString(), r.get("n").asInt()));
        }
    }

    /** Whether the one-time loading of something (the sample processes) was done; marks it done. */
    boolean firstTime(String marker) {
        try (Session s = driver.session()) {
            return s.executeWrite(tx -> tx.run(
                            "MERGE (m:ProcosMeta {name: $name}) ON CREATE SET m.created = true, m.at = timestamp() "
                                    + "WITH m, m.created AS first SET m.created = false RETURN first",
                            Map.of("name", marker))
                    .single()
                    .get("first")
                    .asBoolean());
        }
    }

    @Override
    public void close() {
        driver.close();
    }
}
