package io.procos.web.internal;

import io.procos.api.health.Health;
import io.procos.api.health.HealthContributor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.JarInputStream;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Requirement;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/**
 * Works out whether ProcOS is healthy: the framework, every bundle of the distribution, every DS
 * component, every tool bundle dropped into {@code tools/} (including jars that never became a bundle)
 * and every {@link HealthContributor}. Required parts (what {@code bundles/} holds) being down makes
 * ProcOS DOWN; a broken tool or a degraded contributor only makes it DEGRADED.
 */
@Component(service = SystemHealth.class)
public final class SystemHealth implements FrameworkListener {

    /**
     * Component property naming a set of components of one bundle of which one is meant to be active at a
     * time (for example docker.run with and without network reach); the others being unsatisfied is no fault.
     */
    static final String ALTERNATIVE = "procos.alternative";

    private final BundleContext context;
    private final ServiceComponentRuntime scr;
    private final Path bundlesDir;
    private final Path toolsDir;
    private final List<HealthContributor> contributors = new CopyOnWriteArrayList<>();
    /** The last framework error per bundle id: why a bundle that resolved did not start. */
    private final Map<Long, String> lastErrors = new ConcurrentHashMap<>();

    @Activate
    public SystemHealth(BundleContext context, @Reference ServiceComponentRuntime scr) {
        this.context = context;
        this.scr = scr;
        this.bundlesDir = Home.of(context).resolve("bundles");
        this.toolsDir = Home.of(context).resolve("tools");
        context.addFrameworkListener(this);
    }

    @Deactivate
    void deactivate() {
        context.removeFrameworkListener(this);
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addContributor(HealthContributor contributor) {
        contributors.add(contributor);
    }

    void removeContributor(HealthContributor contributor) {
        contributors.remove(contributor);
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.ERROR && event.getBundle() != null && event.getThrowable() != null) {
            lastErrors.put(event.getBundle().getBundleId(), event.getThrowable().getMessage());
        }
    }

    /** The whole report, ready to serialise; its {@code status} is UP, DEGRADED or DOWN. */
    public Map<String, Object> report() {
        Health.Status overall = Health.Status.UP;
        List<Map<String, Object>> problems = new ArrayList<>();
        List<Map<String, Object>> bundles = new ArrayList<>();
        Set<Path> installedTools = new HashSet<>();
        for (Bundle bundle : context.getBundles()) {
            Path file = fileOf(bundle);
            boolean tool = file != null && file.startsWith(toolsDir);
            boolean required = file != null && file.startsWith(bundlesDir);
            if (tool) installedTools.add(file);
            String name = bundle.getSymbolicName();
            if (tool || (name != null && name.startsWith("procos."))) {
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("symbolicName", name);
                b.put("version", bundle.getVersion().toString());
                b.put("state", stateName(bundle.getState()));
                b.put("origin", tool ? "tools" : "distribution");
                bundles.add(b);
            }
            String why = whyNotRunning(bundle);
            if (why != null && (required || tool)) {
                problems.add(
                        problem(tool ? "tool" : "bundle", name + " " + bundle.getVersion(), bundle.getLocation(), why));
                overall = worst(overall, required ? Health.Status.DOWN : Health.Status.DEGRADED);
            }
        }
        for (Map<String, Object> notABundle : strayToolFiles(installedTools)) {
            problems.add(notABundle);
            overall = worst(overall, Health.Status.DEGRADED);
        }
        List<Map<String, Object>> components = new ArrayList<>();
        // components that are alternatives of one another (the same ALTERNATIVE value) are fine while one of them is
        // active
        java.util.Set<String> activeAlternatives = new java.util.HashSet<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (!(description.properties.get(ALTERNATIVE) instanceof String alternative)) continue;
            for (ComponentConfigurationDTO config : scr.getComponentConfigurationDTOs(description)) {
                if (config.state == ComponentConfigurationDTO.ACTIVE
                        || config.state == ComponentConfigurationDTO.SATISFIED) {
                    activeAlternatives.add(description.bundle.id + "/" + alternative);
                }
            }
        }
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (description.properties.get(ALTERNATIVE) instanceof String alternative
                    && activeAlternatives.contains(description.bundle.id + "/" + alternative)) {
                continue;
            }
            Bundle owner = context.getBundle(description.bundle.id);
            Path file = owner == null ? null : fileOf(owner);
            boolean tool = file != null && file.startsWith(toolsDir);
            for (ComponentConfigurationDTO config : scr.getComponentConfigurationDTOs(description)) {
                String reason = unsatisfiedReason(config);
                if (reason == null) continue;
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("component", description.name);
                c.put("bundle", description.bundle.symbolicName);
                c.put("state", componentState(config.state));
                c.put("reason", reason);
                components.add(c);
                overall = worst(overall, tool ? Health.Status.DEGRADED : Health.Status.DOWN);
            }
        }
        List<Map<String, Object>> checks = new ArrayList<>();
        for (HealthContributor contributor : contributors) {
            Health health;
            try {
                health = contributor.check();
            } catch (RuntimeException e) { // a contributor must not take the report down with it
                health = Health.down("health check failed: " + e);
            }
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", contributor.name());
            c.put("status", health.status().name());
            c.put("detail", health.detail());
            checks.add(c);
            overall = worst(overall, health.status());
        }
        checks.sort(Comparator.comparing(m -> (String) m.get("name")));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("status", overall.name());
        report.put(
                "framework",
                stateName(context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).getState()));
        report.put("bundles", bundles);
        report.put("unsatisfiedComponents", components);
        report.put("problems", problems);
        report.put("checks", checks);
        return report;
    }

    private String whyNotRunning(Bundle bundle) {
        boolean fragment = bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
        int state = bundle.getState();
        if (state == Bundle.ACTIVE || state == Bundle.STARTING || (fragment && state == Bundle.RESOLVED)) return null;
        if (state == Bundle.INSTALLED) {
            List<String> missing = missingRequirements(bundle);
            return missing.isEmpty()
                    ? "not resolved: every requirement has a provider, but a provider itself does not resolve"
                    : "not resolved: missing " + String.join("; ", missing);
        }
        String error = lastErrors.get(bundle.getBundleId());
        return "resolved but not started" + (error == null ? "" : ": " + error);
    }

    /** The mandatory requirements of a bundle that nothing installed can satisfy, e.g. a package no bundle exports. */
    private List<String> missingRequirements(Bundle bundle) {
        List<String> missing = new ArrayList<>();
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        FrameworkWiring wiring =
                context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
        if (revision == null || wiring == null) return missing;
        for (Requirement requirement : revision.getRequirements(null)) {
            String resolution = requirement.getDirectives().get(Constants.RESOLUTION_DIRECTIVE);
            String effective = requirement
                    .getDirectives()
                    .getOrDefault(Constants.EFFECTIVE_DIRECTIVE, Constants.EFFECTIVE_RESOLVE);
            if (Constants.RESOLUTION_OPTIONAL.equals(resolution)
                    || "dynamic".equals(resolution)
                    || !Constants.EFFECTIVE_RESOLVE.equals(effective)) continue;
            if (wiring.findProviders(requirement).isEmpty()) {
                missing.add(requirement.getNamespace() + " "
                        + requirement.getDirectives().get(Constants.FILTER_DIRECTIVE));
            }
        }
        return missing;
    }

    /** Jars in tools/ that FileInstall skipped because they are not bundles: it says nothing, so we do. */
    private List<Map<String, Object>> strayToolFiles(Set<Path> installed) {
        List<Map<String, Object>> stray = new ArrayList<>();
        if (!Files.isDirectory(toolsDir)) return stray;
        try (Stream<Path> files = Files.list(toolsDir)) {
            for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .sorted()
                    .toList()) {
                if (installed.contains(jar.toAbsolutePath().normalize())) continue;
                String why = whyNotABundle(jar);
                if (why != null)
                    stray.add(problem(
                            "tool", jar.getFileName().toString(), jar.toUri().toString(), why));
            }
        } catch (IOException e) {
            stray.add(problem(
                    "tool", toolsDir.toString(), toolsDir.toUri().toString(), "cannot list the tools folder: " + e));
        }
        return stray;
    }

    private static String whyNotABundle(Path jar) {
        try (InputStream in = Files.newInputStream(jar);
                JarInputStream jis = new JarInputStream(in)) {
            if (jis.getManifest() == null) {
                return "not installed: not a jar with a manifest (corrupt, or not a jar at all); rebuild it and copy it again";
            }
            if (jis.getManifest().getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME) == null) {
                return "not installed: the jar is no OSGi bundle (its manifest has no Bundle-SymbolicName)";
            }
            return null; // a valid bundle FileInstall has not picked up yet
        } catch (IOException | RuntimeException e) {
            return "not installed: cannot read the jar (" + e.getMessage() + "); copy it again, then rename it to .jar";
        }
    }

    private static Map<String, Object> problem(String kind, String name, String location, String reason) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("kind", kind);
        p.put("name", name);
        p.put("location", location);
        p.put("reason", reason);
        return p;
    }

    private static String unsatisfiedReason(ComponentConfigurationDTO config) {
        switch (config.state) {
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE:
                List<String> refs = new ArrayList<>();
                for (UnsatisfiedReferenceDTO ref : config.unsatisfiedReferences) {
                    refs.add(ref.name + (ref.target == null ? "" : " " + ref.target));
                }
                return "no service for reference " + String.join(", ", refs);
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION:
                return "waiting for its configuration";
            case ComponentConfigurationDTO.FAILED_ACTIVATION:
                return "activation failed: " + config.failure;
            default:
                return null;
        }
    }

    private static String componentState(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "UNSATISFIED_CONFIGURATION";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
            case ComponentConfigurationDTO.SATISFIED -> "SATISFIED";
            case ComponentConfigurationDTO.ACTIVE -> "ACTIVE";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "FAILED_ACTIVATION";
            default -> "UNKNOWN";
        };
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNKNOWN";
        };
    }

    private static Health.Status worst(Health.Status a, Health.Status b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /** The file a bundle was installed from, or null when its location is no file. */
    private static Path fileOf(Bundle bundle) {
        String location = bundle.getLocation();
        if (location.startsWith("reference:")) location = location.substring("reference:".length());
        if (!location.startsWith("file:")) return null;
        try {
            return Path.of(URI.create(location.replace(" ", "%20")))
                    .toAbsolutePath()
                    .normalize();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
