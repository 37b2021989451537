package io.procos.api.memory;

import java.util.List;
import java.util.Map;

/** A piece of the graph as nodes and edges, for people and for the web page. */
public record Graph(List<Node> nodes, List<Edge> edges) {

    public Graph {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    public record Node(String id, List<String> labels, Map<String, Object> properties) {}

    public record Edge(String from, String type, String to) {}
}
