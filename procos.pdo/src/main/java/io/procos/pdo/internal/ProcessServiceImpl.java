package io.procos.pdo.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.procos.api.process.Deployment;
import io.procos.api.process.InstanceState;
import io.procos.api.process.InstanceView;
import io.procos.api.process.InstanceView.Incident;
import io.procos.api.process.InvalidProcessException;
import io.procos.api.process.ProcessInfo;
import io.procos.api.process.ProcessService;
import io.procos.api.tde.TaskRun;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ParseException;
import org.camunda.bpm.engine.Problem;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParser;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.entity.DeploymentEntity;
import org.camunda.bpm.engine.repository.DeploymentWithDefinitions;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.xml.ModelException;

/** {@link ProcessService} on the embedded engine: deploy, start (domain instance + its PDO), inspect. */
final class ProcessServiceImpl implements ProcessService {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProcessServiceImpl.class);

    /**
     * The most characters the engine keeps in a name: a variable's name, a process's key, name and namespace,
     * an activity's id and name, a deployment's name are columns this wide on H2 and PostgreSQL alike. A longer
     * one fails the transaction that writes it, so ProcOS refuses it first and says which.
     */
    static final int MAX_NAME = 255;

    /** The deepest BPMN ProcOS reads: real processes nest a few levels; thousands would exhaust a thread's stack. */
    static final int MAX_DEPTH = 200;

    private final ProcessEngine engine;
    private final ProcessEngineConfigurationImpl configuration;
    private final TaskReadyNotifier notifier;

    private final io.procos.api.tool.ToolPolicy defaultToolPolicy;

    ProcessServiceImpl(
            ProcessEngine engine,
            ProcessEngineConfigurationImpl configuration,
            TaskReadyNotifier notifier,
            io.procos.api.tool.ToolPolicy defaultToolPolicy) {
        this.defaultToolPolicy = defaultToolPolicy;
        this.engine = engine;
        this.configuration = configuration;
        this.notifier = notifier;
    }

    @Override
    public io.procos.api.tool.ToolPolicy defaultToolPolicy() {
        return defaultToolPolicy;
    }

    @Override
    public Deployment deploy(String resourceName, String bpmnXml) throws InvalidProcessException {
        String name = resourceName(resourceName);
        check(bpmnXml);
        try {
            DeploymentWithDefinitions d = engine.getRepositoryService()
                    .createDeployment()
                    .name(name)
                    .addString(name, bpmnXml)
                    .enableDuplicateFiltering(true)
                    .deployWithResult();
            List<ProcessInfo> infos =
                    engine.getRepositoryService().createProcessDefinitionQuery().deploymentId(d.getId()).list().stream()
                            .map(ProcessServiceImpl::info)
                            .toList();
            return new Deployment(d.getId(), infos);
        } catch (ParseException e) {
            throw refused(e);
        } catch (ProcessEngineException e) {
            throw refused(e);
        }
    }

    @Override
    public void validate(String resourceName, String bpmnXml) throws InvalidProcessException {
        String name = resourceName(resourceName);
        check(bpmnXml);
        ProcessEngineConfigurationImpl conf = (ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
        try {
            conf.getCommandExecutorTxRequired().execute(context -> {
                BpmnParser parser = new BpmnParser(conf.getExpressionManager(), conf.getBpmnParseFactory());
                // the listeners a deployment's parse has, the deployment policy among them
                parser.getParseListeners().addAll(conf.getCustomPreBPMNParseListeners());
                DeploymentEntity deployment = new DeploymentEntity();
                deployment.setName(name);
                parser.createParse()
                        .sourceString(bpmnXml)
                        .deployment(deployment)
                        .name(name)
                        .execute();
                return null;
            });
        } catch (ParseException e) {
            throw refused(e);
        } catch (ProcessEngineException e) {
            throw refused(e);
        }
    }

    private static String resourceName(String resourceName) throws InvalidProcessException {
        String name = resourceName == null || resourceName.isBlank()
                ? "process.bpmn"
                : resourceName.endsWith(".bpmn") || resourceName.endsWith(".bpmn20.xml")
                        ? resourceName
                        : resourceName + ".bpmn";
        if (name.length() > MAX_NAME) {
            String problem =
                    "the file name is " + name.length() + " characters long, at most " + MAX_NAME + " are kept";
            throw new InvalidProcessException("cannot deploy: " + problem, List.of(problem));
        }
        return name;
    }

    private static InvalidProcessException refused(ProcessEngineException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ParseException parse && t != e) return refused(parse);
        }
        return new InvalidProcessException("the engine refused the BPMN: " + e.getMessage(), List.of(e.getMessage()));
    }

    private static InvalidProcessException refused(ParseException e) {
        List<String> reports = new ArrayList<>();
        List<String> reportIds = new ArrayList<>();
        List<String> policy = new ArrayList<>();
        List<String> policyIds = new ArrayList<>();
        e.getResorceReports().forEach(r -> {
            for (Problem p : r.getErrors()) {
                String message = p.getMessage() == null ? "" : p.getMessage();
                if (message.startsWith(DeploymentPolicy.PREFIX)) {
                    message = message.substring(DeploymentPolicy.PREFIX.length());
                    policy.add(message);
                    // the policy names the nearest element with an id, also for a child without one
                    java.util.regex.Matcher named = POLICY_ELEMENT.matcher(message);
                    policyIds.add(named.lookingAt() ? named.group(1) : p.getMainElementId());
                } else {
                    reports.add(message
                            + (p.getMainElementId() == null ? "" : " (element " + p.getMainElementId() + ")")
                            + " at line " + p.getLine() + ", column " + p.getColumn());
                    reportIds.add(p.getMainElementId());
                }
            }
        });
        if (!policy.isEmpty())
            return new InvalidProcessException(
                    "refused by ProcOS's deployment policy: " + String.join("; ", policy), policy, policyIds);
        if (reports.isEmpty()) reports.add(e.getMessage());
        return new InvalidProcessException(
                "the engine's parser refused the BPMN: " + String.join("; ", reports), reports, reportIds);
    }

    /** How the deployment policy starts a message about one element. */
    private static final java.util.regex.Pattern POLICY_ELEMENT =
            java.util.regex.Pattern.compile("element '([^']+)': ");

    /** What ProcOS itself requires before the engine's parser sees the BPMN. */
    private static void check(String bpmnXml) throws InvalidProcessException {
        List<String> longNames = depthAndLongNames(bpmnXml);
        BpmnModelInstance model;
        try {
            model = Bpmn.readModelFromStream(new ByteArrayInputStream(bpmnXml.getBytes(StandardCharsets.UTF_8)));
        } catch (ModelException e) {
            throw new InvalidProcessException("not valid BPMN 2.0 XML: " + rootMessage(e), List.of(rootMessage(e)));
        }
        List<String> problems = new ArrayList<>(longNames);
        List<String> elementIds = new ArrayList<>(java.util.Collections.nCopies(longNames.size(), null));
        List<Process> executable = model.getModelElementsByType(Process.class).stream()
                .filter(Process::isExecutable)
                .toList();
        if (executable.isEmpty()) {
            problems.add("no executable process: set isExecutable=\"true\" on the process to run");
            elementIds.add(null);
        }
        // any process, executable or not: the engine treats a process without isExecutable as executable when it
        // re-reads a stored deployment
        for (Process p : model.getModelElementsByType(Process.class)) {
            if (EmbeddedEngine.isOwnProcess(p.getId())) {
                problems.add("process id '" + p.getId() + "' is reserved for ProcOS itself");
                elementIds.add(p.getId());
            }
        }
        if (!problems.isEmpty())
            throw new InvalidProcessException("cannot deploy: " + String.join("; ", problems), problems, elementIds);
    }

    /**
     * Streams the XML once, before anything else reads it: refuses nesting deeper than {@link #MAX_DEPTH} (the
     * model parser's schema validation takes time quadratic in the depth, 100,000 levels take minutes, and the
     * deployment policy recurses), and returns the ids, names and namespaces longer than the engine's columns.
     * XML that is not well-formed ends the stream early; the model parser then says what is wrong with it.
     */
    static List<String> depthAndLongNames(String bpmnXml) throws InvalidProcessException {
        List<String> problems = new ArrayList<>();
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        try {
            XMLStreamReader reader = factory.createXMLStreamReader(new StringReader(bpmnXml));
            for (int depth = 0; reader.hasNext(); ) {
                int event = reader.next();
                if (event == XMLStreamConstants.END_ELEMENT) depth--;
                if (event != XMLStreamConstants.START_ELEMENT) continue;
                String element = reader.getLocalName();
                if (++depth > MAX_DEPTH) {
                    String problem = "the BPMN nests elements more than " + MAX_DEPTH + " deep (at " + element
                            + ", line " + reader.getLocation().getLineNumber() + ")";
                    throw new InvalidProcessException("cannot deploy: " + problem, List.of(problem));
                }
                for (int i = 0; i < reader.getAttributeCount(); i++) {
                    String attribute = reader.getAttributeLocalName(i);
                    String value = reader.getAttributeValue(i);
                    String namespace = reader.getAttributeNamespace(i);
                    if ((namespace == null || namespace.isEmpty())
                            && List.of("id", "name", "targetNamespace").contains(attribute)
                            && value.length() > MAX_NAME) {
                        problems.add("the " + attribute + " of " + element + " is " + value.length()
                                + " characters long, at most " + MAX_NAME + " are kept: \"" + value.substring(0, 40)
                                + "…\"");
                    }
                }
            }
        } catch (XMLStreamException notWellFormed) {
            // the model parser reports it in its own words
        }
        return problems;
    }

    /**
     * Variable names the engine cannot keep (longer than its column), said before anything reaches it: the
     * transaction that wrote one would fail with a database error, after the instance had seemed to start.
     */
    static List<String> variableProblems(Map<String, Object> variables) {
        List<String> problems = new ArrayList<>();
        if (variables == null) return problems;
        variables.keySet().forEach(name -> {
            if (name != null && name.length() > MAX_NAME)
                problems.add("the variable name \"" + name.substring(0, 40) + "…\" is " + name.length()
                        + " characters long, at most " + MAX_NAME + " are kept");
        });
        return problems;
    }

    @Override
    public List<ProcessInfo> processes() {
        return engine
                .getRepositoryService()
                .createProcessDefinitionQuery()
                .latestVersion()
                .orderByProcessDefinitionKey()
                .asc()
                .list()
                .stream()
                .filter(d -> !EmbeddedEngine.isOwnProcess(d.getKey()))
                .map(ProcessServiceImpl::info)
                .toList();
    }

    @Override
    public Optional<String> bpmn(String processKey, int version) {
        if (processKey == null || EmbeddedEngine.isOwnProcess(processKey)) return Optional.empty();
        var query = engine.getRepositoryService().createProcessDefinitionQuery().processDefinitionKey(processKey);
        var definition = (version > 0 ? query.processDefinitionVersion(version) : query.latestVersion()).singleResult();
        if (definition == null) return Optional.empty();
        try (java.io.InputStream in = engine.getRepositoryService()
                .getResourceAsStream(definition.getDeploymentId(), definition.getResourceName())) {
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("The BPMN of {} version {} cannot be read: {}", processKey, definition.getVersion(), e.toString());
            return Optional.empty();
        }
    }

    @Override
    public String start(String processKey, Map<String, Object> variables) {
        if (processKey == null
                || EmbeddedEngine.isOwnProcess(processKey)
                || engine.getRepositoryService()
                                .createProcessDefinitionQuery()
                                .processDefinitionKey(processKey)
                                .count()
                        == 0) {
            throw new IllegalArgumentException("no deployed process with key '" + processKey + "'");
        }
        List<String> problems = variableProblems(variables);
        if (!problems.isEmpty())
            throw new IllegalArgumentException("the variables cannot be kept: " + String.join("; ", problems));
        Map<String, Object> vars = engineVariables(variables);
        // domain instance and its orchestrator start together or not at all; the orchestrator's first round
        // runs here, in the caller's thread (an HTTP request, the shell), with the engine's class loader
        return EmbeddedEngine.withEngineClassLoader(
                () -> configuration.getCommandExecutorTxRequired().execute(context -> {
                    ProcessInstance domain = engine.getRuntimeService().startProcessInstanceByKey(processKey, vars);
                    Map<String, Object> pdoVars = new HashMap<>();
                    pdoVars.put("domainInstanceId", domain.getId());
                    pdoVars.put("processKey", processKey);
                    ProcessInstance pdo = engine.getRuntimeService()
                            .startProcessInstanceByKey(EmbeddedEngine.PDO_KEY, domain.getId(), pdoVars);
                    notifier.remember(domain.getId(), pdo.getId());
                    return domain.getId();
                }));
    }

    @Override
    public Optional<InstanceView> instance(String instanceId) {
        HistoricProcessInstance h = engine.getHistoryService()
                .createHistoricProcessInstanceQuery()
                .processInstanceId(instanceId)
                .singleResult();
        if (h == null || EmbeddedEngine.isOwnProcess(h.getProcessDefinitionKey())) return Optional.empty();
        return Optional.of(view(h));
    }

    @Override
    public List<InstanceView> instances(InstanceState state, int max) {
        List<InstanceView> views = new ArrayList<>();
        int page = Math.max(max, 1) * 2;
        int offset = 0;
        while (views.size() < max) {
            List<HistoricProcessInstance> batch = engine.getHistoryService()
                    .createHistoricProcessInstanceQuery()
                    .processDefinitionKeyNotIn(List.of(EmbeddedEngine.PDO_KEY, EmbeddedEngine.TDE_KEY))
                    .orderByProcessInstanceStartTime()
                    .desc()
                    .listPage(offset, page);
            for (HistoricProcessInstance h : batch) {
                InstanceView v = view(h);
                if (state == null || v.state() == state) views.add(v);
                if (views.size() >= max) break;
            }
            if (batch.size() < page) break;
            offset += page;
        }
        return views;
    }

    private InstanceView view(HistoricProcessInstance h) {
        HistoryService history = engine.getHistoryService();
        String id = h.getId();
        List<Incident> incidents =
                engine.getRuntimeService().createIncidentQuery().processInstanceId(id).list().stream()
                        .map(i -> new Incident(
                                i.getId(),
                                i.getIncidentType(),
                                i.getActivityId(),
                                i.getIncidentMessage(),
                                instant(i.getIncidentTimestamp())))
                        .toList();
        InstanceState state =
                switch (h.getState()) {
                    case HistoricProcessInstance.STATE_COMPLETED -> InstanceState.COMPLETED;
                    case HistoricProcessInstance.STATE_EXTERNALLY_TERMINATED,
                            HistoricProcessInstance.STATE_INTERNALLY_TERMINATED -> InstanceState.FAILED;
                    default -> incidents.isEmpty() ? InstanceState.ACTIVE : InstanceState.FAILED;
                };

        // every TDE run for this instance (recorded by its orchestrator), grouped by the domain task
        Map<String, LinkedHashMap<String, List<TaskRun>>> runsByActivity = new HashMap<>();
        for (TaskRun run : taskRuns(id)) {
            runsByActivity
                    .computeIfAbsent(String.valueOf(run.activityId()), k -> new LinkedHashMap<>())
                    .computeIfAbsent(String.valueOf(run.taskId()), k -> new ArrayList<>())
                    .add(run);
        }
        // a first attempt is running while its orchestrator holds the task's lock
        Date now = new Date();
        java.util.Set<String> running = new java.util.HashSet<>();
        engine.getExternalTaskService()
                .createExternalTaskQuery()
                .processInstanceId(id)
                .list()
                .forEach(t -> {
                    if (t.getErrorMessage() == null
                            && t.getLockExpirationTime() != null
                            && t.getLockExpirationTime().after(now)) {
                        running.add(t.getActivityId());
                    }
                });
        Map<String, Integer> seen = new HashMap<>();
        List<TaskRun> tasks = new ArrayList<>();
        for (HistoricActivityInstance a : history.createHistoricActivityInstanceQuery()
                .processInstanceId(id)
                .activityType("serviceTask")
                .orderByHistoricActivityInstanceStartTime()
                .asc()
                .orderPartiallyByOccurrence()
                .asc()
                .list()) {
            int index = seen.merge(a.getActivityId(), 1, Integer::sum) - 1;
            List<List<TaskRun>> byTask = new ArrayList<>(runsByActivity
                    .getOrDefault(a.getActivityId(), new LinkedHashMap<>())
                    .values());
            List<TaskRun> runs = index < byTask.size() ? byTask.get(index) : List.of();
            String status;
            if (a.getEndTime() != null) status = a.isCanceled() ? "CANCELLED" : "COMPLETED";
            else if (incidents.stream().anyMatch(i -> a.getActivityId().equals(i.activityId()))) status = "FAILED";
            else if (runs.isEmpty()) status = running.contains(a.getActivityId()) ? "RUNNING" : "WAITING";
            else status = "RETRYING"; // a run ended, the task did not: its next attempt is due or running
            TaskRun last = runs.isEmpty()
                    ? new TaskRun(
                            null,
                            id,
                            h.getProcessDefinitionKey(),
                            a.getActivityId(),
                            a.getActivityName(),
                            null,
                            null,
                            null,
                            null,
                            null,
                            0,
                            null,
                            null,
                            null,
                            null,
                            status,
                            null,
                            null,
                            0,
                            0,
                            0,
                            null,
                            null,
                            null,
                            null)
                    : runs.get(runs.size() - 1);
            tasks.add(TaskRuns.asViewed(
                    last,
                    a.getActivityId(),
                    a.getActivityName(),
                    status,
                    runs.size(),
                    instant(a.getStartTime()),
                    instant(a.getEndTime())));
        }
        // history (audit) holds every variable's latest value, running or ended: no race with the instance ending
        Map<String, Object> variables = new LinkedHashMap<>();
        history.createHistoricVariableInstanceQuery().processInstanceId(id).list().stream()
                .filter(v -> v.getActivityInstanceId() == null
                        || v.getActivityInstanceId().equals(id))
                .sorted(Comparator.comparing(HistoricVariableInstance::getName))
                .forEach(v -> variables.put(v.getName(), EngineValues.fromEngine(v.getValue())));
        variables.replaceAll((k, v) ->
                v == null || v instanceof Number || v instanceof Boolean || v instanceof String ? v : v.toString());
        String toolPolicy;
        try {
            toolPolicy = PdoDelegates.PrepareTask.toolPolicy(
                            engine.getRepositoryService().getBpmnModelInstance(h.getProcessDefinitionId()),
                            h.getProcessDefinitionKey(),
                            defaultToolPolicy)
                    .spec();
        } catch (RuntimeException e) {
            toolPolicy = defaultToolPolicy.spec();
        }
        return new InstanceView(
                id,
                h.getProcessDefinitionKey(),
                h.getProcessDefinitionVersion() == null ? 0 : h.getProcessDefinitionVersion(),
                state,
                instant(h.getStartTime()),
                instant(h.getEndTime()),
                variables,
                tasks,
                incidents,
                toolPolicy);
    }

    /** The TDE runs of a domain instance, in the order they started: the records its orchestrator kept. */
    private List<TaskRun> taskRuns(String domainInstanceId) {
        HistoryService history = engine.getHistoryService();
        String[] pdoIds = history
                .createHistoricProcessInstanceQuery()
                .processDefinitionKey(EmbeddedEngine.PDO_KEY)
                .processInstanceBusinessKey(domainInstanceId)
                .list()
                .stream()
                .map(HistoricProcessInstance::getId)
                .toArray(String[]::new);
        if (pdoIds.length == 0) return List.of();
        List<TaskRun> runs = new ArrayList<>();
        for (HistoricVariableInstance v : history.createHistoricVariableInstanceQuery()
                .processInstanceIdIn(pdoIds)
                .variableName(OrchestrationHistory.TASK_RUN)
                .includeDeleted()
                .list()) {
            try {
                runs.add(TaskRuns.read(EngineValues.text(v.getValue())));
            } catch (IllegalArgumentException e) {
                // a record is for display only; an unreadable one is left out
            }
        }
        runs.sort(Comparator.comparing(r -> r.startedAt() == null ? Instant.EPOCH : r.startedAt()));
        return runs;
    }

    /** Values from JSON: scalars stay as they are, objects and arrays are kept as JSON text, long text as bytes. */
    private static Map<String, Object> engineVariables(Map<String, Object> variables) {
        Map<String, Object> vars = new HashMap<>();
        if (variables == null) return vars;
        variables.forEach((k, v) -> {
            if (v instanceof Map || v instanceof List) {
                try {
                    vars.put(k, EngineValues.toEngine(PdoDelegates.JSON.writeValueAsString(v)));
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(
                            "variable '" + k + "' cannot be stored: " + e.getOriginalMessage());
                }
            } else {
                vars.put(k, EngineValues.toEngine(v));
            }
        });
        return vars;
    }

    private static ProcessInfo info(ProcessDefinition d) {
        return new ProcessInfo(d.getKey(), d.getName(), d.getVersion(), d.getId(), d.getDeploymentId());
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    private static Instant instant(Date d) {
        return d == null ? null : d.toInstant();
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        StringBuilder sb = new StringBuilder(String.valueOf(t.getMessage()));
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            if (root.getMessage() != null && !sb.toString().contains(root.getMessage()))
                sb.append(": ").append(root.getMessage());
        }
        return sb.toString();
    }
}
