package io.procos.pdo.internal;

import java.util.List;
import org.camunda.bpm.engine.impl.history.event.HistoricProcessInstanceEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoricVariableUpdateEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoryEvent;
import org.camunda.bpm.engine.impl.history.handler.DbHistoryEventHandler;
import org.camunda.bpm.engine.impl.history.handler.HistoryEventHandler;

/**
 * Writes the engine's history of domain processes at the configured level, and of the orchestrator's
 * own processes only what ProcOS reads back: each orchestrator instance (business key = its domain
 * instance) and one record per TDE run, the variable {@value #TASK_RUN} that "Update task" writes. The
 * steps of the PDO loop and of each TDE would otherwise cost several times the database work of the
 * domain task they drive. The full step history can be switched back on ({@code orchestratorStepHistory})
 * to study the orchestrator itself.
 */
final class OrchestrationHistory implements HistoryEventHandler {

    /** The PDO variable recording one TDE run: task, attempt, decision, outcome and timing, as JSON. */
    static final String TASK_RUN = "taskRun";

    private final HistoryEventHandler db = new DbHistoryEventHandler();
    private final boolean steps;
    private final InstanceChanges changes;

    OrchestrationHistory(boolean steps, InstanceChanges changes) {
        this.steps = steps;
        this.changes = changes;
    }

    @Override
    public void handleEvent(HistoryEvent event) {
        if (steps || kept(event)) db.handleEvent(event);
        if (!EmbeddedEngine.isOwnProcess(event.getProcessDefinitionKey()))
            changes.touched(event.getProcessInstanceId());
    }

    @Override
    public void handleEvents(List<HistoryEvent> events) {
        for (HistoryEvent e : events) handleEvent(e);
    }

    static boolean kept(HistoryEvent event) {
        String key = event.getProcessDefinitionKey();
        if (EmbeddedEngine.TDE_KEY.equals(key)) return false;
        if (EmbeddedEngine.PDO_KEY.equals(key)) {
            return event instanceof HistoricProcessInstanceEventEntity
                    || event instanceof HistoricVariableUpdateEventEntity v && TASK_RUN.equals(v.getVariableName());
        }
        return true;
    }
}
