package io.procos.tde.internal;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.osgi.service.component.annotations.Component;

/**
 * The TDE's three steps until planners and tools arrive (the TDE issue replaces Decide and Execute):
 * Decide chooses no tool and says so, Execute acknowledges the task without doing anything, Log
 * records the outcome. It keeps the orchestrator loop runnable end to end and is honest about it:
 * every task it touches carries {@code mode = "none"} and that rationale.
 */
final class InterimTaskExecutor {

    static final String RATIONALE = "no planner is installed yet: the task was acknowledged, not executed";

    private InterimTaskExecutor() {}

    @Component(service = JavaDelegate.class, property = "procos.delegate.name=procosTdeDecide")
    public static final class Decide implements JavaDelegate {
        @Override
        public void execute(DelegateExecution tde) {
            tde.setVariable("tool", null);
            tde.setVariable("mode", "none");
            tde.setVariable("arguments", "{}");
            tde.setVariable("rationale", RATIONALE);
        }
    }

    @Component(service = JavaDelegate.class, property = "procos.delegate.name=procosTdeExecute")
    public static final class Execute implements JavaDelegate {
        @Override
        public void execute(DelegateExecution tde) {
            tde.setVariable("result", "{}");
        }
    }

    @Component(service = JavaDelegate.class, property = "procos.delegate.name=procosTdeLog")
    public static final class Log implements JavaDelegate {
        @Override
        public void execute(DelegateExecution tde) {
            tde.setVariable("status", tde.getVariable("error") == null ? "COMPLETED" : "FAILED");
        }
    }
}
