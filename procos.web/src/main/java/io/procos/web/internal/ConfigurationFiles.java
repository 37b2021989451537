package io.procos.web.internal;

import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code conf/} the one place ProcOS's configuration lives, also for what an operator changes in the web
 * console's forms: when a ProcOS PID ({@code io.procos.*}, not a factory's) is saved with values other than its
 * {@code conf/<pid>.cfg} holds, the file is brought in line. The lines of changed keys are replaced in place (a
 * commented-out default gets the set value below it), keys the form removed are commented out, a value the form
 * sent that is only the MetaType default is not written (a default stays a default, and follows ProcOS's), comments
 * stay, and a PID with no file gets one, readable by its owner only (it may hold a password). FileInstall then reads
 * the file like any other, so the edit is kept across restarts and can be read, diffed and copied like the rest of
 * {@code conf/}. A save that changes nothing (FileInstall applying the file itself, say) writes nothing.
 *
 * <p>FileInstall's own write-back ({@code felix.fileinstall.enableConfigSave}) stays off: it appends every
 * property, defaults included, in its typed syntax.
 */
@Component(service = ConfigurationListener.class)
public final class ConfigurationFiles implements ConfigurationListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationFiles.class);
    /** FileInstall's property naming the file a configuration came from. */
    static final String FILENAME = "felix.fileinstall.filename";

    private static final Set<String> NOT_WRITTEN = Set.of(Constants.SERVICE_PID, "service.bundleLocation", FILENAME);

    private final Path conf;
    private final BundleContext context;

    @Reference
    private ConfigurationAdmin admin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile MetaTypeService metatype;

    @Activate
    public ConfigurationFiles(BundleContext context) {
        this.context = context;
        this.conf = Home.of(context).resolve("conf");
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() != ConfigurationEvent.CM_UPDATED || event.getFactoryPid() != null) return;
        String pid = event.getPid();
        if (pid == null || !pid.startsWith("io.procos.") || !pid.matches("[A-Za-z0-9._-]+")) return;
        try {
            Configuration c = admin.getConfiguration(pid, "?");
            Dictionary<String, Object> props = c.getProperties();
            if (props == null) return;
            Map<String, String> values = new TreeMap<>();
            for (String key : Collections.list(props.keys())) {
                if (!NOT_WRITTEN.contains(key)) values.put(key, value(props.get(key)));
            }
            Path file = conf.resolve(pid + ".cfg");
            if (write(file, pid, values, defaults(pid)))
                LOG.info("The configuration {} changed in the console is kept in {}", pid, file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("The configuration {} could not be written to conf/: {}", pid, e.toString());
        }
    }

    /** The MetaType defaults of a PID's attributes, as .cfg values; empty when no bundle describes it. */
    private Map<String, String> defaults(String pid) {
        Map<String, String> defaults = new HashMap<>();
        MetaTypeService m = metatype;
        if (m == null) return defaults;
        for (Bundle b : context.getBundles()) {
            MetaTypeInformation info = m.getMetaTypeInformation(b);
            if (info == null || !Arrays.asList(info.getPids()).contains(pid)) continue;
            AttributeDefinition[] ads =
                    info.getObjectClassDefinition(pid, null).getAttributeDefinitions(ObjectClassDefinition.ALL);
            for (AttributeDefinition ad : ads == null ? new AttributeDefinition[0] : ads) {
                String[] d = ad.getDefaultValue();
                defaults.put(ad.getID(), d == null ? "" : value(d));
            }
            break;
        }
        return defaults;
    }

    /**
     * Brings the file in line with the values; false when it says so already (nothing written).
     *
     * @param defaults a key not set in the file whose value is its default is not a change
     */
    static boolean write(Path file, String pid, Map<String, String> values, Map<String, String> defaults)
            throws IOException {
        boolean exists = Files.exists(file);
        List<String> lines = exists
                ? new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8))
                : new ArrayList<>(List.of("# " + pid + ": saved from the web console"));
        Properties current = new Properties();
        current.load(new StringReader(String.join("\n", lines)));
        boolean changed = false;
        // keys set in the file that the form no longer has: commented out, so their defaults apply again
        for (int i = 0; i < lines.size(); i++) {
            String key = key(lines.get(i), false);
            if (key != null && !values.containsKey(key)) {
                lines.set(i, "#" + lines.get(i).strip());
                changed = true;
            }
        }
        for (var e : values.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (current.containsKey(key)
                    ? value.equals(current.getProperty(key))
                    : value.equals(defaults.getOrDefault(key, value.isEmpty() ? "" : null))) continue;
            String line = escape(key, true) + " = " + escape(value, false);
            int set = -1;
            int commented = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (key.equals(key(lines.get(i), false)) && set < 0) set = i;
                if (key.equals(key(lines.get(i), true)) && commented < 0) commented = i;
            }
            if (set >= 0) lines.set(set, line);
            else if (commented >= 0) lines.add(commented + 1, line);
            else lines.add(line);
            changed = true;
        }
        if (!changed) return false;
        Path tmp = Files.createTempFile(file.getParent(), "." + pid, ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX permissions: the folder's own protection applies
        }
        Files.writeString(tmp, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    private static final Pattern SET = Pattern.compile("\\s*([A-Za-z0-9._-]+)\\s*[=:].*");
    private static final Pattern COMMENTED = Pattern.compile("\\s*[#!]\\s*([A-Za-z0-9._-]+)\\s*[=:].*");

    /** The key a .cfg line sets ({@code commented}: the key a commented-out line would set), or null. */
    static String key(String line, boolean commented) {
        Matcher m = (commented ? COMMENTED : SET).matcher(line);
        return m.matches() ? m.group(1) : null;
    }

    /**
     * A value as a .cfg line holds it: a list as one comma-separated string, the way ProcOS's components read a list
     * from a .cfg file.
     */
    static String value(Object v) {
        if (v != null && v.getClass().isArray()) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) items.add(String.valueOf(Array.get(v, i)));
            return String.join(", ", items);
        }
        return String.valueOf(v);
    }

    /** Properties-file escaping, so that no value can add a line or a key of its own. */
    static String escape(String s, boolean key) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '=', ':' -> b.append(key ? "\\" + ch : String.valueOf(ch));
                case ' ' -> b.append(key || i == 0 ? "\\ " : " ");
                case '#', '!' -> b.append(i == 0 ? "\\" + ch : String.valueOf(ch));
                default -> {
                    if (ch < 0x20 || ch > 0x7e) b.append(String.format("\\u%04x", (int) ch));
                    else b.append(ch);
                }
            }
        }
        return b.toString();
    }
}
