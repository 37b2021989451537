package io.procos.pdo.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;

/**
 * Stands in for the TDE's delegates in engine tests (the real ones are procos.tde's): it "decides"
 * on a fixed test tool and executes what the test scripts for each task name, recording when each
 * execution ran. Everything else, the engine, pdo.bpmn and tde.bpmn, is real.
 */
final class ScriptedTde {

    /** One execution of one task: which, and its time window. */
    record Run(String taskName, long startNanos, long endNanos) {}

    interface Behaviour {
        /** Returns the result JSON, or throws BpmnError("procos.taskFailed", message) to fail the task. */
        String run(String taskName, String taskInput) throws Exception;
    }

    final List<Run> runs = new CopyOnWriteArrayList<>();
    final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    /** How often Execute was entered, retried transactions included. */
    final java.util.concurrent.atomic.AtomicInteger executions = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, Object> outcomes = new ConcurrentHashMap<>();
    private final Behaviour fallback = (name, input) -> "{\"done\":\"" + name + "\"}";

    Function<String, Object> delegates() {
        Map<String, Object> byName = Map.of(
                "procosTdeDecide", (JavaDelegate) this::decide,
                "procosTdeExecute", (JavaDelegate) this::execute,
                "procosTdeLog", (JavaDelegate) this::log);
        return byName::get;
    }

    private void decide(DelegateExecution tde) {
        tde.setVariable("tool", "test.tool");
        tde.setVariable("mode", "deterministic");
        tde.setVariable("arguments", "{}");
    }

    /**
     * Like the real TDE, runs the tool once per attempt of a task: when the engine retries a TDE's
     * transaction (a sibling ended at the same moment), the outcome of that attempt is reused.
     */
    private void execute(DelegateExecution tde) throws Exception {
        executions.incrementAndGet();
        String name = (String) tde.getVariable("taskName");
        String attempt = tde.getVariable("externalTaskId") + "#" + tde.getVariable("attempt");
        Object done = outcomes.get(attempt);
        if (done instanceof BpmnError e) throw e;
        if (done != null) {
            tde.setVariable("result", done);
            return;
        }
        long start = System.nanoTime();
        try {
            String result = behaviours.getOrDefault(name, fallback).run(name, EngineValues.text(tde.getVariable("taskInput")));
            outcomes.put(attempt, result);
            tde.setVariable("result", result);
        } catch (BpmnError e) {
            outcomes.put(attempt, e);
            throw e;
        } finally {
            runs.add(new Run(name, start, System.nanoTime()));
        }
    }

    private void log(DelegateExecution tde) {
        tde.setVariable("status", tde.getVariable("error") == null ? "COMPLETED" : "FAILED");
    }

    static BpmnError failure(String message) {
        return new BpmnError("procos.taskFailed", message);
    }
}
