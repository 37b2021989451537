package io.procos.pdo.internal;

import io.procos.api.process.ConditionExpression;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.VariableScope;
import org.camunda.bpm.engine.impl.Condition;

/**
 * A domain process's sequence-flow condition, evaluated by ProcOS's condition grammar over the
 * execution's variables only, in place of the engine's expression language: whatever the text says, it
 * can call nothing.
 */
final class VariableCondition implements Condition {

    private final ConditionExpression expression;

    VariableCondition(ConditionExpression expression) {
        this.expression = expression;
    }

    @Override
    public boolean evaluate(DelegateExecution execution) {
        return evaluate(execution, execution);
    }

    @Override
    public boolean evaluate(VariableScope scope, DelegateExecution execution) {
        VariableScope variables = scope != null ? scope : execution;
        return expression.evaluate(name -> variables.hasVariable(name)
                ? EngineValues.fromEngine(variables.getVariable(name))
                : ConditionExpression.UNSET);
    }

    @Override
    public boolean tryEvaluate(VariableScope scope, DelegateExecution execution) {
        return evaluate(scope, execution);
    }

    @Override
    public String toString() {
        return expression.text();
    }
}
