package io.procos.api.memory;

import java.util.Objects;

/**
 * An edge of the graph: {@code (from)-[type]->(to)}. Either end may be {@link Node#SELF}, the item the
 * relation belongs to; the other nodes are merged by their key (a process by its key, a tool by its
 * name, an instance or task by its id), so every item that names them meets the others there.
 */
public record Relation(Node from, String type, Node to) {

    public Relation {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (type == null || !type.matches("[A-Z][A-Z_]{0,39}"))
            throw new IllegalArgumentException("a relation type is UPPER_CASE, not " + type);
    }

    /** A node by its label and key. */
    public record Node(String label, String key) {
        /** The item itself. */
        public static final Node SELF = new Node("", "");

        public Node {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(key, "key");
            if (!label.isEmpty() && !label.matches("[A-Z][A-Za-z]{0,39}"))
                throw new IllegalArgumentException("a node label is CamelCase, not " + label);
        }

        public static Node process(String key) {
            return new Node("Process", key);
        }

        public static Node instance(String id) {
            return new Node("Instance", id);
        }

        public static Node task(String id) {
            return new Node("Task", id);
        }

        public static Node tool(String name) {
            return new Node("Tool", name);
        }

        public static Node item(String kindLabel, String id) {
            return new Node(kindLabel, id);
        }
    }

    public static Relation to(String type, Node to) {
        return new Relation(Node.SELF, type, to);
    }

    public static Relation from(Node from, String type) {
        return new Relation(from, type, Node.SELF);
    }
}
