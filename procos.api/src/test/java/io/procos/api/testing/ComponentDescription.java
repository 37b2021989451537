package io.procos.api.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A DS component description as bnd wrote it into OSGI-INF/ from the annotations: what the Service Component
 * Runtime registers, with which service properties, references and configuration. A property is a String, or a
 * String[] when the description lists its values line by line. Test support for the bundles' unit tests (this module's test-jar).
 */
public record ComponentDescription(
        String implementation,
        boolean immediate,
        List<String> configurationPids,
        List<String> services,
        Map<String, Object> properties,
        Map<String, String> targets) {

    /** Every description of the module that {@code anchor} belongs to, by implementation class. */
    public static Map<String, ComponentDescription> all(Class<?> anchor) throws Exception {
        Path folder = Path.of(anchor.getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .resolve("OSGI-INF");
        Map<String, ComponentDescription> all = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".xml")).sorted().toList()) {
                ComponentDescription d = read(file);
                all.put(d.implementation(), d);
            }
        }
        return all;
    }

    private static ComponentDescription read(Path file) throws Exception {
        Element root = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(file.toFile())
                .getDocumentElement();
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Element p : children(root, "property")) {
            properties.put(
                    p.getAttribute("name"),
                    p.hasAttribute("value")
                            ? p.getAttribute("value")
                            : Arrays.stream(p.getTextContent().split("\n"))
                                    .map(String::strip)
                                    .filter(v -> !v.isEmpty())
                                    .toArray(String[]::new));
        }
        Map<String, String> targets = new LinkedHashMap<>();
        for (Element r : children(root, "reference"))
            targets.put(r.getAttribute("interface"), r.getAttribute("target"));
        List<String> services = children(root, "provide").stream()
                .map(e -> e.getAttribute("interface"))
                .toList();
        String pids = root.getAttribute("configuration-pid");
        return new ComponentDescription(
                children(root, "implementation").get(0).getAttribute("class"),
                "true".equals(root.getAttribute("immediate")),
                pids.isEmpty() ? List.of() : List.of(pids.split(" ")),
                services,
                properties,
                targets);
    }

    private static List<Element> children(Element root, String tag) {
        NodeList nodes = root.getElementsByTagName(tag);
        return IntStream.range(0, nodes.getLength())
                .mapToObj(i -> (Element) nodes.item(i))
                .toList();
    }
}
