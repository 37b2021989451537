package io.procos.pdo.internal;

import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.Expression;
import org.camunda.bpm.engine.impl.scripting.ExecutableScript;
import org.camunda.bpm.engine.impl.scripting.ScriptFactory;

/**
 * The engine's script factory with scripting switched off: ProcOS runs no script of any language (the
 * engine ships JUEL and FEEL script engines that reach any Java method). The deployment policy refuses
 * scripts already; this makes whatever slipped past it fail where the engine would compile it, instead
 * of running.
 */
final class NoScripts extends ScriptFactory {

    private static ProcessEngineException refused(String language) {
        return new ProcessEngineException("ProcOS runs no scripts (a " + language + " script was refused): "
                + "describe the step in words and let a tool do it");
    }

    @Override
    public ExecutableScript createScriptFromResource(String language, String resource) {
        throw refused(language);
    }

    @Override
    public ExecutableScript createScriptFromResource(String language, Expression resourceExpression) {
        throw refused(language);
    }

    @Override
    public ExecutableScript createScriptFromSource(String language, String source) {
        throw refused(language);
    }

    @Override
    public ExecutableScript createScriptFromSource(String language, Expression sourceExpression) {
        throw refused(language);
    }
}
