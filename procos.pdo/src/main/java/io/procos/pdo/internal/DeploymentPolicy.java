package io.procos.pdo.internal;

import io.procos.api.process.ConditionExpression;
import io.procos.api.tool.ToolPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.pvm.process.ProcessDefinitionImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.pvm.process.TransitionImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;

/**
 * The one deployment policy, applied by the engine's own parse step to every BPMN it reads (an upload,
 * the assistant's, a sample, a recalled process, the benchmark's, and again whenever the engine re-reads
 * a stored definition): a domain process may hold the elements ProcOS runs (events, gateways, flows,
 * sub-processes, timers, messages, external tasks on {@value #TOPIC}, documentation, extension
 * properties, diagram interchange) and nothing that runs code: no script of any language, no Java class,
 * expression or delegate expression behaviour, no listener, no input/output script, no expression
 * anywhere except sequence-flow conditions, and those must be {@link ConditionExpression}s, which are
 * then evaluated by {@link VariableCondition}, never by the expression language. Only ProcOS's own
 * {@code pdo.bpmn} and {@code tde.bpmn} (keys no upload may use) are exempt. The check runs in {@link Parse},
 * the engine's parse with the policy first (so refusals are parse errors with element and line); as a parse
 * listener this class puts ProcOS's condition evaluator on every sequence flow of a domain process.
 */
final class DeploymentPolicy extends AbstractBpmnParseListener {

    static final String TOPIC = "procos.task";
    static final String BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    private static final Set<String> CAMUNDA = Set.of("http://camunda.org/schema/1.0/bpmn", "http://activiti.org/bpmn");
    private static final Set<String> DIAGRAM = Set.of(
            "http://www.omg.org/spec/BPMN/20100524/DI",
            "http://www.omg.org/spec/DD/20100524/DC",
            "http://www.omg.org/spec/DD/20100524/DI");

    /** BPMN elements a domain process may contain. */
    private static final Set<String> ALLOWED = Set.of(
            "definitions",
            "process",
            "collaboration",
            "participant",
            "messageFlow",
            "laneSet",
            "lane",
            "childLaneSet",
            "flowNodeRef",
            "documentation",
            "extensionElements",
            "incoming",
            "outgoing",
            "startEvent",
            "endEvent",
            "intermediateCatchEvent",
            "intermediateThrowEvent",
            "boundaryEvent",
            "timerEventDefinition",
            "timeDate",
            "timeDuration",
            "timeCycle",
            "messageEventDefinition",
            "message",
            "signalEventDefinition",
            "signal",
            "errorEventDefinition",
            "error",
            "escalationEventDefinition",
            "escalation",
            "terminateEventDefinition",
            "linkEventDefinition",
            "exclusiveGateway",
            "parallelGateway",
            "inclusiveGateway",
            "eventBasedGateway",
            "sequenceFlow",
            "conditionExpression",
            "subProcess",
            "transaction",
            "serviceTask",
            "task",
            "manualTask",
            "receiveTask",
            "textAnnotation",
            "text",
            "association",
            "group",
            "category",
            "categoryValue",
            "dataObject",
            "dataObjectReference",
            "dataStoreReference",
            "dataStore",
            "itemDefinition",
            "property",
            "dataInputAssociation",
            "dataOutputAssociation",
            "sourceRef",
            "targetRef",
            "ioSpecification",
            "dataInput",
            "dataOutput",
            "inputSet",
            "outputSet",
            "dataInputRefs",
            "dataOutputRefs",
            "import",
            "extension",
            "relationship",
            "source",
            "target");
    /** Camunda extension elements a domain process may contain. */
    private static final Set<String> CAMUNDA_ELEMENTS = Set.of(
            "properties",
            "property",
            "inputOutput",
            "inputParameter",
            "outputParameter",
            "list",
            "map",
            "entry",
            "value",
            "failedJobRetryTimeCycle");
    /** Camunda attributes a domain process may carry, all as literals. */
    private static final Set<String> CAMUNDA_ATTRIBUTES = Set.of(
            "type",
            "topic",
            "asyncBefore",
            "asyncAfter",
            "async",
            "exclusive",
            "historyTimeToLive",
            "isStartableInTasklist",
            "versionTag",
            "jobPriority",
            "taskPriority",
            "name",
            "value",
            "key",
            "errorCodeVariable",
            "errorMessageVariable");

    /** What the policy finds wrong with one element. */
    record Problem(String message, Element element) {}

    private final Set<String> exempt;

    /** @param exempt process keys the policy does not apply to: ProcOS's own, which no upload may use */
    DeploymentPolicy(Set<String> exempt) {
        this.exempt = Set.copyOf(exempt);
    }

    /** The policy's problems with a whole BPMN document; none for ProcOS's own processes. */
    List<Problem> problems(Element root) {
        List<Element> processes = root.elementsNS(new org.camunda.bpm.engine.impl.util.xml.Namespace(BPMN), "process");
        boolean own = !processes.isEmpty() && processes.stream().allMatch(p -> exempt.contains(p.attribute("id")));
        List<Problem> problems = new ArrayList<>();
        if (!own) check(root, null, problems);
        return problems;
    }

    /**
     * The engine's parse with the policy first: a document it refuses is reported element by element, with
     * line numbers, as any parse error, and nothing of it is parsed further.
     */
    static final class Parse extends BpmnParse {
        private final DeploymentPolicy policy;

        Parse(org.camunda.bpm.engine.impl.bpmn.parser.BpmnParser parser, DeploymentPolicy policy) {
            super(parser);
            this.policy = policy;
        }

        @Override
        protected void parseRootElement() {
            List<Problem> problems = policy.problems(rootElement);
            for (Problem p : problems) addError(PREFIX + p.message(), p.element());
            if (problems.isEmpty()) super.parseRootElement();
        }
    }

    /** Starts every message of the policy, so refusals can be told from other parse errors. */
    static final String PREFIX = "ProcOS deployment policy: ";

    @Override
    public void parseSequenceFlow(Element flow, ScopeImpl scope, TransitionImpl transition) {
        ProcessDefinitionImpl definition = scope.getProcessDefinition();
        if (definition instanceof ProcessDefinitionEntity e && exempt.contains(e.getKey())) return;
        Element condition =
                flow.elementNS(new org.camunda.bpm.engine.impl.util.xml.Namespace(BPMN), "conditionExpression");
        if (condition == null) return;
        try {
            // the engine's expression is never evaluated for a domain process: ProcOS's grammar is
            transition.setProperty(
                    BpmnParse.PROPERTYNAME_CONDITION,
                    new VariableCondition(ConditionExpression.parse(condition.getText())));
        } catch (IllegalArgumentException e) {
            // reported with the element by parseRootElement; until then the flow can never be taken
            transition.setProperty(
                    BpmnParse.PROPERTYNAME_CONDITION, new VariableCondition(ConditionExpression.parse("false")));
        }
    }

    private static void check(Element e, String elementId, List<Problem> problems) {
        String id = e.attribute("id") != null ? e.attribute("id") : elementId;
        String where = id == null ? "<" + e.getTagName() + ">" : "element '" + id + "'";
        String uri = e.getUri() == null ? "" : e.getUri();
        if (DIAGRAM.contains(uri)) return;
        String tag = e.getTagName();
        if (BPMN.equals(uri)) {
            if (!ALLOWED.contains(tag)) {
                problems.add(new Problem(
                        where + ": <" + tag + "> is not allowed in a ProcOS process (" + why(tag) + ")", e));
                return;
            }
        } else if (CAMUNDA.contains(uri)) {
            if (!CAMUNDA_ELEMENTS.contains(tag)) {
                problems.add(new Problem(
                        where + ": <camunda:" + tag + "> is not allowed in a ProcOS process (" + why(tag) + ")", e));
                return;
            }
        } else {
            // the engine picks some children by tag name alone, whatever their namespace (a <script> inside an
            // input parameter runs): ProcOS reads BPMN and camunda elements only, and refuses all others
            problems.add(new Problem(
                    where + ": <" + tag + "> of namespace '" + uri + "' is not allowed in a ProcOS "
                            + "process (only BPMN, camunda extensions and diagram interchange are)",
                    e));
            return;
        }

        for (String attribute : e.attributes()) {
            String value = e.attribute(attribute);
            int colon = attribute.lastIndexOf(':');
            String namespace = colon > 0 ? attribute.substring(0, colon) : "";
            String local = attribute.substring(colon + 1);
            if (CAMUNDA.contains(namespace) || namespace.equals("camunda") || namespace.equals("activiti")) {
                if (!CAMUNDA_ATTRIBUTES.contains(local)) {
                    problems.add(new Problem(
                            where + ": camunda:" + local + " is not allowed in a ProcOS process (" + why(local) + ")",
                            e));
                    continue;
                }
            }
            if (local.equals("resource")) {
                problems.add(
                        new Problem(where + ": a resource attribute is not allowed (it loads code or text to run)", e));
                continue;
            }
            boolean literalName = local.equals("name")
                    && !Set.of("message", "signal", "error", "escalation").contains(tag);
            if (!literalName && value != null && (value.contains("${") || value.contains("#{"))) {
                problems.add(new Problem(
                        where + ": the attribute " + local + " holds an expression (" + value + "); ProcOS processes "
                                + "use expressions only as sequence-flow conditions",
                        e));
            }
            if (local.toLowerCase(Locale.ROOT).endsWith("language") && !tag.equals("definitions")) {
                problems.add(new Problem(
                        where + ": a " + local
                                + " attribute is not allowed (ProcOS evaluates conditions in its own grammar only)",
                        e));
            }
        }
        if (BPMN.equals(uri) && tag.equals("serviceTask")) {
            String type = camunda(e, "type");
            String topic = camunda(e, "topic");
            if (!"external".equals(type) || !TOPIC.equals(topic)) {
                problems.add(new Problem(
                        where + ": a service task must be a ProcOS task, an external task on topic " + TOPIC
                                + " (camunda:type=\"external\" camunda:topic=\"" + TOPIC + "\")",
                        e));
            }
        }
        if (BPMN.equals(uri) && tag.equals("conditionExpression")) {
            try {
                ConditionExpression.parse(e.getText());
            } catch (IllegalArgumentException bad) {
                problems.add(new Problem(
                        where + ": the condition " + e.getText().strip() + " is refused: " + bad.getMessage(), e));
            }
            return;
        }
        if (CAMUNDA.contains(uri)
                && tag.equals("property")
                && PdoDelegates.OUTPUT_PROPERTY.equals(e.attribute("name"))) {
            String problem = PdoDelegates.outputMappingProblem(e.attribute("value"));
            if (problem != null) problems.add(new Problem(where + ": " + problem, e));
        }
        if (CAMUNDA.contains(uri) && tag.equals("property") && ToolPolicy.PROPERTY.equals(e.attribute("name"))) {
            try {
                ToolPolicy.parse(e.attribute("value"), null);
            } catch (IllegalArgumentException bad) {
                problems.add(new Problem(where + ": " + bad.getMessage(), e));
            }
        }
        String text = e.getText();
        if (text != null
                && (text.contains("${") || text.contains("#{"))
                && !(BPMN.equals(uri) && (tag.equals("documentation") || tag.equals("text")))) {
            problems.add(new Problem(
                    where + ": <" + tag + "> holds an expression (" + text.strip()
                            + "); ProcOS processes use expressions " + "only as sequence-flow conditions",
                    e));
        }
        for (Element child : e.elements()) check(child, id, problems);
    }

    private static String camunda(Element e, String local) {
        for (String ns : CAMUNDA) {
            String v = e.attributeNS(new org.camunda.bpm.engine.impl.util.xml.Namespace(ns), local);
            if (v != null) return v;
        }
        return null;
    }

    private static String why(String what) {
        return switch (what) {
            case "scriptTask",
                    "script",
                    "resource" -> "scripts run code; describe the step in words and let a tool do it";
            case "class",
                    "expression",
                    "delegateExpression",
                    "resultVariable" -> "Java behaviour runs code; make the step an external task on " + TOPIC
                    + " and let a tool do it";
            case "executionListener", "taskListener" -> "listeners run code";
            case "userTask" -> "ProcOS has no task list for people yet; describe the step as a ProcOS task";
            case "callActivity",
                    "in",
                    "out",
                    "calledElement" -> "a call reaches other processes, ProcOS's own among them";
            case "businessRuleTask", "decisionRef" -> "decision tables are not run by ProcOS";
            case "sendTask", "connector", "field" -> "it runs Java code or connectors";
            case "conditionalEventDefinition", "condition" -> "conditional events evaluate expressions";
            case "multiInstanceLoopCharacteristics",
                    "standardLoopCharacteristics",
                    "collection",
                    "elementVariable" -> "loops are not supported yet";
            default -> "only events, gateways, flows, sub-processes and external tasks on " + TOPIC + " are";
        };
    }
}
