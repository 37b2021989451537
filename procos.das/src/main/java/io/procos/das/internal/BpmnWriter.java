package io.procos.das.internal;

import io.procos.api.tool.ToolPolicy;
import io.procos.das.internal.Outline.Branch;
import io.procos.das.internal.Outline.Choice;
import io.procos.das.internal.Outline.Loop;
import io.procos.das.internal.Outline.Parallel;
import io.procos.das.internal.Outline.Step;
import io.procos.das.internal.Outline.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.builder.AbstractFlowNodeBuilder;
import org.camunda.bpm.model.bpmn.instance.ExclusiveGateway;
import org.camunda.bpm.model.bpmn.instance.ExtensionElements;
import org.camunda.bpm.model.bpmn.instance.Gateway;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnEdge;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnShape;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty;
import org.camunda.bpm.model.bpmn.instance.dc.Bounds;
import org.camunda.bpm.model.bpmn.instance.di.Waypoint;

/**
 * An outline as BPMN 2.0, written with the Camunda BPMN model API, whose builder lays the diagram out
 * left to right (shapes and edges in diagram interchange). Every task is an external task on topic
 * {@code procos.task} with the step's words as name and documentation; nothing names a tool.
 */
final class BpmnWriter {

    private int ids;
    /** The loops, innermost first: their way back is drawn once the way on exists. */
    private final List<LoopBack> loops = new ArrayList<>();

    private record LoopBack(String merge, String again, String label, String condition) {}

    static String key(String name, String text) {
        String slug =
                name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (slug.length() > 40) slug = slug.substring(0, 40).replaceAll("-+$", "");
        if (slug.isEmpty() || !Character.isLetter(slug.charAt(0))) slug = "process-" + slug;
        return slug + "-" + String.format("%08x", text.strip().hashCode());
    }

    BpmnModelInstance write(String key, Outline outline) {
        return write(key, outline, null);
    }

    /** @param toolPolicy what the tasks may use ({@link ToolPolicy}), or null for the configured default */
    BpmnModelInstance write(String key, Outline outline, String toolPolicy) {
        AbstractFlowNodeBuilder<?, ?> b = Bpmn.createExecutableProcess(key)
                .name(outline.name())
                .camundaHistoryTimeToLive(30)
                .startEvent("start")
                .name("Start");
        b = steps(b, outline.steps());
        BpmnModelInstance model = b.endEvent("end").name("Done").done();
        for (LoopBack loop : loops) back(model, loop);
        for (Gateway g : model.getModelElementsByType(Gateway.class))
            if (g.getId().equals(g.getName())) g.removeAttribute("name"); // the builder names joins after their id
        if (toolPolicy != null) {
            Process process = model.getModelElementById(key);
            ExtensionElements extensions = model.newInstance(ExtensionElements.class);
            CamundaProperties properties = model.newInstance(CamundaProperties.class);
            CamundaProperty property = model.newInstance(CamundaProperty.class);
            property.setCamundaName(ToolPolicy.PROPERTY);
            property.setCamundaValue(toolPolicy);
            properties.addChildElement(property);
            extensions.addChildElement(properties);
            process.setExtensionElements(extensions);
        }
        return model;
    }

    private AbstractFlowNodeBuilder<?, ?> steps(AbstractFlowNodeBuilder<?, ?> b, List<Step> steps) {
        for (Step step : steps) b = step(b, step);
        return b;
    }

    private AbstractFlowNodeBuilder<?, ?> step(AbstractFlowNodeBuilder<?, ?> b, Step step) {
        if (step instanceof Task t) {
            return b.serviceTask("task_" + (++ids))
                    .name(t.name())
                    .documentation(t.documentation())
                    .camundaType("external")
                    .camundaTopic("procos.task");
        }
        if (step instanceof Parallel p) {
            String split = "parallel_" + (++ids);
            String join = split + "_join";
            AbstractFlowNodeBuilder<?, ?> at = b.parallelGateway(split).name("In parallel");
            for (int i = 0; i < p.branches().size(); i++) {
                AbstractFlowNodeBuilder<?, ?> start = i == 0 ? at : at.moveToNode(split);
                AbstractFlowNodeBuilder<?, ?> end = steps(start, p.branches().get(i));
                if (i == 0) end.parallelGateway(join);
                else end.connectTo(join);
            }
            return at.moveToNode(join);
        }
        if (step instanceof Loop l) {
            // merge → steps → "again?": back to the merge while the condition holds, else on (the default)
            String merge = "loop_" + (++ids);
            String again = merge + "_again";
            AbstractFlowNodeBuilder<?, ?> body = steps(b.exclusiveGateway(merge), l.steps());
            loops.add(new LoopBack(merge, again, l.label(), l.condition()));
            return body.exclusiveGateway(again).name("Again?"); // the way on comes first: it stays in line
        }
        Choice c = (Choice) step;
        String split = "choice_" + (++ids);
        String join = split + "_join";
        AbstractFlowNodeBuilder<?, ?> at = b.exclusiveGateway(split).name("Which case?");
        boolean joined = false;
        for (Branch branch : c.branches()) {
            AbstractFlowNodeBuilder<?, ?> start = at.moveToNode(split).condition(branch.label(), branch.condition());
            AbstractFlowNodeBuilder<?, ?> end = steps(start, branch.steps());
            if (!joined) {
                end.exclusiveGateway(join);
                joined = true;
            } else {
                end.connectTo(join);
            }
        }
        // otherwise: its steps, or straight on; it is the gateway's default flow
        AbstractFlowNodeBuilder<?, ?> start = at.moveToNode(split);
        if (c.otherwise().isEmpty()) start.connectTo(join);
        else steps(start, c.otherwise()).connectTo(join);
        AbstractFlowNodeBuilder<?, ?> after = at.moveToNode(join);
        BpmnModelInstance model = after.done();
        ExclusiveGateway gateway = model.getModelElementById(split);
        for (SequenceFlow flow : gateway.getOutgoing()) {
            if (flow.getConditionExpression() == null) {
                flow.setName("otherwise");
                gateway.setDefault(flow);
            }
        }
        return after;
    }

    /**
     * The way back of a loop, from its "again?" gateway to its merge, drawn above the repeated steps (the
     * builder would draw it straight back through them); the way on is the gateway's default flow.
     */
    private static void back(BpmnModelInstance model, LoopBack loop) {
        ExclusiveGateway again = model.getModelElementById(loop.again());
        again.builder().condition(loop.label(), loop.condition()).connectTo(loop.merge());
        SequenceFlow back = null;
        for (SequenceFlow flow : again.getOutgoing()) {
            if (flow.getTarget().getId().equals(loop.merge())) back = flow;
            else if (flow.getConditionExpression() == null) {
                flow.setName("done");
                again.setDefault(flow);
            }
        }
        Bounds from = shape(model, loop.again());
        Bounds to = shape(model, loop.merge());
        double top = Math.min(from.getY(), to.getY());
        for (BpmnShape s : model.getModelElementsByType(BpmnShape.class)) {
            Bounds b = s.getBounds();
            if (b.getX() + b.getWidth() > to.getX() && b.getX() < from.getX() + from.getWidth())
                top = Math.min(top, b.getY());
        }
        for (BpmnEdge e : model.getModelElementsByType(BpmnEdge.class)) {
            if (e.getBpmnElement() == back) continue;
            for (Waypoint w : e.getWaypoints())
                if (w.getX() >= to.getX() && w.getX() <= from.getX() + from.getWidth()) top = Math.min(top, w.getY());
        }
        for (BpmnEdge e : model.getModelElementsByType(BpmnEdge.class)) {
            if (e.getBpmnElement() != back) continue;
            e.getWaypoints().clear();
            double y = top - 30;
            double[][] points = {
                {from.getX() + from.getWidth() / 2, from.getY()},
                {from.getX() + from.getWidth() / 2, y},
                {to.getX() + to.getWidth() / 2, y},
                {to.getX() + to.getWidth() / 2, to.getY()}
            };
            for (double[] p : points) {
                Waypoint w = model.newInstance(Waypoint.class);
                w.setX(p[0]);
                w.setY(p[1]);
                e.getWaypoints().add(w);
            }
        }
    }

    private static Bounds shape(BpmnModelInstance model, String id) {
        for (BpmnShape s : model.getModelElementsByType(BpmnShape.class))
            if (s.getBpmnElement().getId().equals(id)) return s.getBounds();
        throw new IllegalStateException("no shape for " + id);
    }

    static String xml(BpmnModelInstance model) {
        Bpmn.validateModel(model);
        return Bpmn.convertToString(model);
    }
}
