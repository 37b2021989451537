package io.procos.memory.internal;

import io.procos.api.memory.MemoryItem;
import io.procos.api.memory.Relation;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The sample processes shipped in {@code bpmn/samples/} (copied into this bundle), as memory: each
 * one's description in words (the process's documentation) with its task names, so recall has
 * examples from the first start on.
 */
final class Samples {

    static final String BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL";

    private Samples() {}

    static List<MemoryItem> load(List<URL> files) throws Exception {
        List<MemoryItem> items = new ArrayList<>();
        List<URL> sorted = new ArrayList<>(files);
        sorted.sort((a, b) -> a.getPath().compareTo(b.getPath()));
        for (URL url : sorted) {
            String xml;
            try (InputStream in = url.openStream()) {
                xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            items.add(item(url.getPath().substring(url.getPath().lastIndexOf('/') + 1), xml));
        }
        return items;
    }

    static MemoryItem item(String file, String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc =
                f.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element process = (Element) doc.getElementsByTagNameNS(BPMN, "process").item(0);
        if (process == null) throw new IOException(file + " has no process");
        String key = process.getAttribute("id");
        String name = process.getAttribute("name");
        String description = "";
        for (org.w3c.dom.Node n = process.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && "documentation".equals(e.getLocalName()))
                description = e.getTextContent().strip();
        }
        List<String> tasks = new ArrayList<>();
        NodeList all = process.getElementsByTagNameNS(BPMN, "*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (e.getLocalName().endsWith("Task") && !e.getAttribute("name").isBlank())
                tasks.add(e.getAttribute("name"));
        }
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("processKey", key);
        props.put("name", name);
        props.put("file", file);
        props.put("tasks", tasks);
        props.put("bpmn", xml);
        props.put("source", "sample");
        String text = (description.isBlank() ? name : description);
        return new MemoryItem(
                "sample:" + key,
                "process",
                text,
                props,
                Collections.singletonList(Relation.to("DESCRIBES", Relation.Node.process(key))),
                null);
    }
}
