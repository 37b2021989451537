package io.procos.tde.internal;

import io.procos.api.health.Health;
import io.procos.api.health.HealthContributor;
import io.procos.api.tool.Tool;
import io.procos.api.tool.ToolCatalog;
import io.procos.api.tool.ToolConflict;
import io.procos.api.tool.ToolContext;
import io.procos.api.tool.ToolDescriptor;
import io.procos.api.tool.ToolReach;
import io.procos.api.tool.ToolResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The live tool catalogue: every {@link Tool} service, as it comes and goes. Where several services
 * claim one name, the highest service ranking wins, then the one registered first (the OSGi rule).
 * Calls run on their own threads with a deadline; a call whose tool goes away is told to stop and,
 * after a short grace, ends with a tool error, so no caller ever hangs on a vanished tool.
 */
@Component(service = {ToolCatalog.class, HealthContributor.class})
public final class OsgiToolCatalog implements ToolCatalog, HealthContributor {

    static final Duration REMOVAL_GRACE = Duration.ofSeconds(2);

    /** The reach words a tool service declares (a string, a string array or a collection); unknown words are kept. */
    static List<String> reach(Object property) {
        List<String> out = new ArrayList<>();
        if (property instanceof String s) {
            for (String w : s.split("[,\\s]+")) if (!w.isBlank()) out.add(w.strip());
        } else if (property instanceof String[] a) {
            for (String w : a) if (w != null && !w.isBlank()) out.add(w.strip());
        } else if (property instanceof java.util.Collection<?> c) {
            for (Object w : c)
                if (w != null && !w.toString().isBlank()) out.add(w.toString().strip());
        }
        return out;
    }

    /** One registered tool service and the calls running on it. */
    private record Entry(ServiceReference<Tool> reference, Tool tool, ToolDescriptor descriptor, Set<Call> calls) {}

    private final Map<ServiceReference<Tool>, Entry> entries = new ConcurrentHashMap<>();
    private final Map<ServiceReference<Tool>, String> invalid = new ConcurrentHashMap<>();
    /**
     * The most tool calls running at once in this framework. A call past its deadline is interrupted; a tool
     * that ignores that keeps its thread until it returns, and counts against this bound (health says so) instead
     * of piling up threads without end.
     */
    static final int MAX_CALL_THREADS = 64;

    private final java.util.concurrent.atomic.AtomicInteger overrunning =
            new java.util.concurrent.atomic.AtomicInteger();
    private final ExecutorService callThreads = new java.util.concurrent.ThreadPoolExecutor(
            0, MAX_CALL_THREADS, 60, TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "procos-tool-call");
                t.setDaemon(true);
                return t;
            });
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "procos-tool-removal");
        t.setDaemon(true);
        return t;
    });

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addTool(ServiceReference<Tool> reference, Tool tool) {
        String bundle =
                reference.getBundle() == null ? "?" : reference.getBundle().getSymbolicName();
        try {
            String name = tool.name();
            if (name == null || !name.matches(Tool.NAME_PATTERN)) {
                invalid.put(
                        reference,
                        "tool service " + reference.getProperty(Constants.SERVICE_ID) + " of bundle " + bundle
                                + " has the invalid name '" + name + "' (allowed: " + Tool.NAME_PATTERN
                                + "); it is not listed");
                return;
            }
            Object ranking = reference.getProperty(Constants.SERVICE_RANKING);
            ToolDescriptor d = new ToolDescriptor(
                    name,
                    tool.description(),
                    tool.inputSchema(),
                    tool.outputSchema(),
                    bundle,
                    reference.getBundle() == null
                            ? "?"
                            : reference.getBundle().getVersion().toString(),
                    (Long) reference.getProperty(Constants.SERVICE_ID),
                    ranking instanceof Integer r ? r : 0,
                    reach(reference.getProperty(ToolReach.PROPERTY)));
            entries.put(reference, new Entry(reference, tool, d, ConcurrentHashMap.newKeySet()));
        } catch (RuntimeException e) {
            invalid.put(reference, "tool service of bundle " + bundle + " could not describe itself: " + e);
        }
    }

    void removeTool(ServiceReference<Tool> reference, Tool tool) {
        invalid.remove(reference);
        Entry gone = entries.remove(reference);
        if (gone == null) return;
        for (Call call : gone.calls()) {
            call.cancelled = true;
            timers.schedule(() -> call.future.cancel(true), REMOVAL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Deactivate
    void deactivate() {
        callThreads.shutdownNow();
        timers.shutdownNow();
    }

    @Override
    public List<ToolDescriptor> tools() {
        List<ToolDescriptor> winners = new ArrayList<>();
        byName().values().forEach(list -> winners.add(list.get(0).descriptor()));
        return winners;
    }

    @Override
    public Optional<ToolDescriptor> tool(String name) {
        return Optional.ofNullable(winner(name)).map(Entry::descriptor);
    }

    @Override
    public List<ToolConflict> conflicts() {
        List<ToolConflict> conflicts = new ArrayList<>();
        byName().forEach((name, list) -> {
            if (list.size() < 2) return;
            ToolDescriptor w = list.get(0).descriptor();
            ToolDescriptor runnerUp = list.get(1).descriptor();
            String reason = w.ranking() != runnerUp.ranking()
                    ? "highest service.ranking (" + w.ranking() + ") wins"
                    : "equal service.ranking: the service registered first (lowest service.id " + w.serviceId()
                            + ") wins";
            conflicts.add(new ToolConflict(
                    name,
                    w,
                    list.subList(1, list.size()).stream().map(Entry::descriptor).toList(),
                    reason));
        });
        return conflicts;
    }

    @Override
    public ToolResult invoke(String name, Map<String, Object> input, String taskId, Duration timeout) {
        Entry entry = winner(name);
        if (entry == null) {
            return ToolResult.error(
                    "no tool named '" + name + "' is installed; GET /api/tools lists the tools there are");
        }
        Call call = new Call(taskId, Instant.now().plus(timeout));
        entry.calls().add(call);
        try {
            try {
                call.future = callThreads.submit(() -> {
                    try {
                        return entry.tool().invoke(input == null ? Map.of() : input, call);
                    } finally {
                        synchronized (call) {
                            if (call.overran) overrunning.decrementAndGet();
                            call.returned = true;
                        }
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException full) {
                return ToolResult.error("tool '" + name + "' was not called: " + MAX_CALL_THREADS
                        + " tool calls are running already (" + overrunning.get()
                        + " of them past their deadline, ignoring being stopped); the task is retried");
            }
            ToolResult result = call.future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return result == null ? ToolResult.error("tool '" + name + "' returned nothing") : result;
        } catch (TimeoutException e) {
            call.cancelled = true;
            call.future.cancel(true);
            synchronized (call) {
                if (!call.returned) {
                    call.overran = true;
                    overrunning.incrementAndGet();
                }
            }
            return ToolResult.error(
                    "tool '" + name + "' did not finish within " + timeout.toSeconds() + " s and was stopped");
        } catch (CancellationException e) {
            return ToolResult.error("tool '" + name + "' was removed while it ran; the call was stopped");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return ToolResult.error("tool '" + name + "' failed: "
                    + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.future.cancel(true);
            return ToolResult.error("the call of tool '" + name + "' was interrupted");
        } finally {
            entry.calls().remove(call);
        }
    }

    private Entry winner(String name) {
        List<Entry> list = byName().get(name);
        return list == null ? null : list.get(0);
    }

    private TreeMap<String, List<Entry>> byName() {
        TreeMap<String, List<Entry>> byName = new TreeMap<>();
        for (Entry e : entries.values())
            byName.computeIfAbsent(e.descriptor().name(), k -> new ArrayList<>())
                    .add(e);
        Comparator<Entry> order = Comparator.<Entry>comparingInt(
                        e -> -e.descriptor().ranking())
                .thenComparingLong(e -> e.descriptor().serviceId());
        byName.values().forEach(list -> list.sort(order));
        return byName;
    }

    @Override
    public String name() {
        return "tools";
    }

    @Override
    public Health check() {
        List<String> problems = new ArrayList<>(invalid.values());
        conflicts()
                .forEach(c -> problems.add("tool name '" + c.name() + "' is claimed by "
                        + (c.shadowed().size() + 1) + " services; using the one from "
                        + c.winner().bundle() + " (" + c.reason() + ")"));
        int count = tools().size();
        int overran = overrunning.get();
        if (overran > 0)
            problems.add(overran + " tool call(s) ran past their deadline, were told to stop and still run (at most "
                    + MAX_CALL_THREADS + " calls run at once)");
        return problems.isEmpty()
                ? Health.up(count + " tools")
                : Health.degraded(count + " tools; " + String.join("; ", problems));
    }

    /** One running call: what the tool sees as its context. */
    private static final class Call implements ToolContext {
        private final String taskId;
        private final Instant deadline;
        volatile boolean cancelled;
        volatile Future<ToolResult> future;
        /** Guarded by the call itself: the tool returned; it ran past its deadline. */
        boolean returned;

        boolean overran;

        Call(String taskId, Instant deadline) {
            this.taskId = taskId;
            this.deadline = deadline;
        }

        @Override
        public String taskId() {
            return taskId;
        }

        @Override
        public Instant deadline() {
            return deadline;
        }

        @Override
        public boolean cancelled() {
            return cancelled || Thread.currentThread().isInterrupted();
        }
    }
}
