package io.procos.kernel;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * The ProcOS nanokernel: boots the OSGi framework, installs the distribution's bundles
 * in a defined order and stops everything cleanly. Everything else lives in bundles.
 */
public final class Kernel {

    private static final long STOP_TIMEOUT_MS = 30_000;

    public static void main(String[] args) throws Exception {
        Path home =
                Path.of(System.getProperty("procos.home", ".")).toAbsolutePath().normalize();
        boolean shell = List.of(args).contains("--shell");
        Framework framework = ServiceLoader.load(FrameworkFactory.class)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"))
                .newFramework(frameworkProperties(home));
        framework.init();
        List<Bundle> bundles = install(framework.getBundleContext(), home.resolve("bundles"), home.resolve("conf"));
        if (shell) bundles.addAll(install(framework.getBundleContext(), home.resolve("bundles/shell"), null));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(framework), "procos-shutdown"));
        framework.start();
        for (Bundle bundle : bundles) {
            try {
                if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) bundle.start();
            } catch (Exception e) { // reported by /api/health; the rest keeps starting
                System.err.println("ProcOS: bundle " + bundle.getSymbolicName() + " did not start: " + e.getMessage());
            }
        }
        BundleContext context = framework.getBundleContext();
        String url = "http://" + context.getProperty("org.apache.felix.http.host") + ":"
                + context.getProperty("org.osgi.service.http.port") + "/";
        System.out.println("ProcOS is up: " + url + " (API token: " + home.resolve("conf/api-token")
                + "; web console user procos, password: " + home.resolve("conf/console-password") + ")");
        framework.waitForStop(0);
        System.exit(0); // stopped from inside (console, shell): end the JVM too
    }

    /** conf/framework.properties, overridden by -D system properties of the same name, plus what the kernel derives. */
    private static Map<String, String> frameworkProperties(Path home) throws Exception {
        Properties file = new Properties();
        try (Reader reader = Files.newBufferedReader(home.resolve("conf/framework.properties"))) {
            file.load(reader);
        }
        Map<String, String> props = new HashMap<>();
        file.stringPropertyNames().forEach(k -> props.put(k, System.getProperty(k, file.getProperty(k))));
        props.put("procos.home", home.toString());
        // the tools' folder: a cluster's nodes share one (-Dprocos.workspace, from PROCOS_WORKSPACE)
        props.putIfAbsent(
                "procos.workspace",
                System.getProperty(
                        "procos.workspace", home.resolve("data/workspace").toString()));
        props.putIfAbsent(
                Constants.FRAMEWORK_STORAGE, home.resolve("data/felix-cache").toString());
        secret(home.resolve("conf/api-token"));
        // the console reads its credentials as framework properties before any configuration arrives,
        // so it never answers to a default password; only the hash is visible to bundles
        byte[] hash = MessageDigest.getInstance("SHA-256")
                .digest(secret(home.resolve("conf/console-password")).getBytes(StandardCharsets.UTF_8));
        props.put("felix.webconsole.username", "procos");
        props.put("felix.webconsole.password", "{sha-256}" + Base64.getEncoder().encodeToString(hash));
        return props;
    }

    /** Reads a credential file, creating it (owner read/write only) with a fresh random value on first start. */
    private static String secret(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
            System.out.println("ProcOS: generated " + file + " (mode 600)");
        }
        return Files.readString(file).trim();
    }

    /** The manifest header of an optional bundle: the PID whose {@code conf/<pid>.cfg} makes the kernel install it. */
    static final String CONFIGURATION_HEADER = "ProcOS-Configuration";

    /**
     * Installs every jar of a folder, in name order, from its location (no copy in the bundle cache), with those
     * of its {@code optional/} folder whose configuration file exists in {@code conf} (null: none). An optional
     * bundle whose file is gone is uninstalled, if an earlier start installed it.
     */
    private static List<Bundle> install(BundleContext context, Path folder, Path conf) throws Exception {
        List<Path> chosen = new ArrayList<>(jars(folder));
        if (conf != null && Files.isDirectory(folder.resolve("optional"))) {
            for (Path jar : jars(folder.resolve("optional"))) {
                String pid = configuredBy(jar);
                if (pid != null && Files.isRegularFile(conf.resolve(pid + ".cfg"))) {
                    chosen.add(jar);
                    continue;
                }
                Bundle earlier = context.getBundle("reference:" + jar.toUri());
                if (earlier != null) {
                    earlier.uninstall();
                    System.out.println("ProcOS: " + jar.getFileName() + " uninstalled: "
                            + (pid == null ? "it names no configuration" : "conf/" + pid + ".cfg is gone"));
                }
            }
        }
        chosen.sort(Comparator.comparing(p -> p.getFileName().toString()));
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : chosen) installed.add(context.installBundle("reference:" + jar.toUri()));
        return installed;
    }

    private static List<Path> jars(Path folder) throws IOException {
        try (Stream<Path> jars = Files.list(folder)) {
            return jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    /** The PID an optional bundle is configured by ({@value #CONFIGURATION_HEADER}), or null. */
    static String configuredBy(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String pid = manifest == null ? null : manifest.getMainAttributes().getValue(CONFIGURATION_HEADER);
            return pid == null || !pid.strip().matches("[A-Za-z0-9._-]+") ? null : pid.strip();
        }
    }

    private static void stop(Framework framework) {
        try {
            framework.stop();
            if (framework.waitForStop(STOP_TIMEOUT_MS).getType() == org.osgi.framework.FrameworkEvent.WAIT_TIMEDOUT) {
                System.err.println("ProcOS: framework did not stop within " + STOP_TIMEOUT_MS + " ms; exiting anyway");
            }
        } catch (Exception e) {
            System.err.println("ProcOS: stopping the framework failed: " + e);
        }
    }
}
