package io.procos.llm.internal;

import io.procos.api.llm.Prompt;
import io.procos.api.llm.PromptStore;
import io.procos.api.memory.Memory;
import io.procos.api.memory.MemoryItem;
import io.procos.api.memory.Relation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The prompt templates: the shipped text from this bundle, replaced by what people put through
 * {@code PUT /api/prompts/{name}}, kept as files under {@code data/prompts/} so edits survive restarts
 * and updates. Only known prompts can be edited, and an edit must keep the placeholders the code fills.
 */
@Component(service = PromptStore.class)
public final class FilePromptStore implements PromptStore {

    static final int MAX_CHARS = 32_000;

    /** Name → the placeholders an edited text must keep. */
    static final Map<String, List<String>> REQUIRED = new LinkedHashMap<>();

    static {
        REQUIRED.put("tde.decide", List.of("{{task}}"));
        REQUIRED.put("das.generate", List.of("{{request}}"));
    }

    private final Path folder;

    /** Every edit is remembered too (a Prompt node in the graph and its versions), when memory runs. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Memory memory;

    @Activate
    public FilePromptStore(BundleContext context) {
        String home = context.getProperty("procos.home");
        this.folder = home != null
                ? Path.of(home, "data", "prompts")
                : context.getDataFile("prompts").toPath();
    }

    FilePromptStore(Path folder) {
        this.folder = folder;
    }

    @Override
    public List<Prompt> list() {
        List<Prompt> out = new ArrayList<>();
        for (String name : REQUIRED.keySet()) get(name).ifPresent(out::add);
        return out;
    }

    @Override
    public Optional<Prompt> get(String name) {
        if (!REQUIRED.containsKey(name)) return Optional.empty();
        Path edited = folder.resolve(name + ".txt");
        try {
            if (Files.isRegularFile(edited)) {
                return Optional.of(new Prompt(
                        name,
                        Files.readString(edited),
                        true,
                        Files.getLastModifiedTime(edited).toInstant()));
            }
            return Optional.of(new Prompt(name, shipped(name), false, null));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the prompt " + name, e);
        }
    }

    @Override
    public synchronized Prompt put(String name, String text) {
        if (!REQUIRED.containsKey(name))
            throw new IllegalArgumentException(
                    "there is no prompt named '" + name + "'; there are " + REQUIRED.keySet());
        if (text == null || text.isBlank()) throw new IllegalArgumentException("the prompt text is empty");
        if (text.length() > MAX_CHARS)
            throw new IllegalArgumentException(
                    "the prompt is " + text.length() + " characters long, at most " + MAX_CHARS + " are accepted");
        List<String> missing =
                REQUIRED.get(name).stream().filter(p -> !text.contains(p)).toList();
        if (!missing.isEmpty())
            throw new IllegalArgumentException(
                    "the prompt must keep the placeholder(s) " + missing + ", which ProcOS fills in");
        try {
            Files.createDirectories(folder);
            Path part = folder.resolve(name + ".txt.part");
            Files.writeString(part, text);
            Files.move(
                    part,
                    folder.resolve(name + ".txt"),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the prompt " + name, e);
        }
        Memory m = memory;
        if (m != null) {
            try {
                m.remember(new MemoryItem(
                        null,
                        "prompt",
                        text,
                        Map.of("name", name),
                        List.of(Relation.to("VERSION_OF", new Relation.Node("Prompt", name))),
                        null));
            } catch (RuntimeException e) {
                // the file is the prompt; memory keeps its history when it can
            }
        }
        return new Prompt(name, text, true, Instant.now());
    }

    @Override
    public synchronized Prompt reset(String name) {
        if (!REQUIRED.containsKey(name)) throw new IllegalArgumentException("there is no prompt named '" + name + "'");
        try {
            Files.deleteIfExists(folder.resolve(name + ".txt"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset the prompt " + name, e);
        }
        return get(name).orElseThrow();
    }

    static String shipped(String name) throws IOException {
        try (InputStream in = FilePromptStore.class.getResourceAsStream("/prompts/" + name + ".txt")) {
            if (in == null) throw new IOException("the bundle lacks prompts/" + name + ".txt");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
