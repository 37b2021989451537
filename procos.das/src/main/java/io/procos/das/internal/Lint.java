package io.procos.das.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.ExclusiveGateway;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.Gateway;
import org.camunda.bpm.model.bpmn.instance.ParallelGateway;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.Task;

/**
 * ProcOS's own checks, beyond what the engine's parser checks: every path reaches an end, nothing is
 * unreachable, gateways are balanced (as many joins as splits of each kind), every task is named and
 * is a ProcOS task (external, topic procos.task).
 */
final class Lint {

    private Lint() {}

    static List<String> problems(BpmnModelInstance model) {
        List<String> problems = new ArrayList<>();
        Collection<StartEvent> starts = model.getModelElementsByType(StartEvent.class);
        Collection<EndEvent> ends = model.getModelElementsByType(EndEvent.class);
        if (starts.isEmpty()) problems.add("the process has no start event");
        if (ends.isEmpty()) problems.add("the process has no end event");
        Collection<FlowNode> nodes = model.getModelElementsByType(FlowNode.class);

        Set<FlowNode> reached = walk(starts, true);
        for (FlowNode n : nodes)
            if (!reached.contains(n)) problems.add(describe(n) + " cannot be reached from the start");
        Set<FlowNode> ending = walk(ends, false);
        for (FlowNode n : nodes)
            if (reached.contains(n) && !ending.contains(n))
                problems.add("no path from " + describe(n) + " reaches an end");

        for (Class<? extends Gateway> kind : List.of(ParallelGateway.class, ExclusiveGateway.class)) {
            int splits = 0;
            int joins = 0;
            for (Gateway g : model.getModelElementsByType(kind)) {
                if (g.getOutgoing().size() > 1) splits++;
                if (g.getIncoming().size() > 1) joins++;
                if (g.getOutgoing().size() <= 1 && g.getIncoming().size() <= 1)
                    problems.add(describe(g) + " neither splits nor joins");
            }
            if (splits != joins) {
                problems.add("the " + (kind == ParallelGateway.class ? "parallel" : "exclusive")
                        + " gateways are not balanced: " + splits + " split(s), " + joins + " join(s)");
            }
        }
        for (FlowNode n : nodes) {
            if (!(n instanceof Task t)) continue;
            if (t.getName() == null || t.getName().isBlank()) problems.add("task " + t.getId() + " has no name");
            if (!(t instanceof ServiceTask s)
                    || !"external".equals(s.getCamundaType())
                    || !"procos.task".equals(s.getCamundaTopic())) {
                problems.add(describe(t) + " is not a ProcOS task (an external task on topic procos.task)");
            }
        }
        return problems;
    }

    private static Set<FlowNode> walk(Collection<? extends FlowNode> from, boolean forward) {
        Set<FlowNode> seen = new HashSet<>(from);
        Deque<FlowNode> todo = new ArrayDeque<>(from);
        while (!todo.isEmpty()) {
            FlowNode n = todo.poll();
            Collection<FlowNode> next = forward
                    ? n.getSucceedingNodes().list()
                    : n.getPreviousNodes().list();
            for (FlowNode m : next) if (seen.add(m)) todo.add(m);
        }
        return seen;
    }

    private static String describe(FlowNode n) {
        return (n.getName() == null || n.getName().isBlank()
                ? n.getElementType().getTypeName() + " " + n.getId()
                : "\"" + n.getName() + "\" (" + n.getId() + ")");
    }
}
