package io.procos.pdo.internal;

import java.util.Map;
import org.camunda.bpm.engine.impl.el.JuelExpressionManager;
import org.camunda.bpm.engine.impl.el.ReadOnlyMapELResolver;
import org.camunda.bpm.engine.impl.el.VariableContextElResolver;
import org.camunda.bpm.engine.impl.el.VariableScopeElResolver;
import org.camunda.bpm.impl.juel.jakarta.el.ArrayELResolver;
import org.camunda.bpm.impl.juel.jakarta.el.BeanELResolver;
import org.camunda.bpm.impl.juel.jakarta.el.CompositeELResolver;
import org.camunda.bpm.impl.juel.jakarta.el.ELContext;
import org.camunda.bpm.impl.juel.jakarta.el.ELResolver;
import org.camunda.bpm.impl.juel.jakarta.el.ListELResolver;
import org.camunda.bpm.impl.juel.jakarta.el.MapELResolver;

/**
 * The engine's expression language with its reach cut to what ProcOS's own processes use: variables,
 * ProcOS's delegates by name, read-only lists, maps and arrays, and methods of ProcOS's own delegate
 * objects. No method or property of any other object resolves ({@code ''.getClass()},
 * {@code execution.getProcessEngineServices()}, {@code execution.processEngineServices} all fail), so even
 * an expression that got past the {@link DeploymentPolicy} reaches no class, no runtime and no service.
 * Domain processes never get here with their conditions: those are evaluated by {@link VariableCondition}.
 */
final class ConfinedExpressionManager extends JuelExpressionManager {

    ConfinedExpressionManager(Map<Object, Object> beans) {
        super(beans);
    }

    @Override
    protected ELResolver createElResolver() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new VariableScopeElResolver());
        resolver.add(new VariableContextElResolver());
        if (beans != null) resolver.add(new ReadOnlyMapELResolver(beans));
        resolver.add(new ArrayELResolver(true));
        resolver.add(new ListELResolver(true));
        resolver.add(new MapELResolver(true));
        resolver.add(new OwnDelegatesOnly());
        return resolver;
    }

    /** Java bean access for ProcOS's delegate objects only; for every other object nothing resolves. */
    private static final class OwnDelegatesOnly extends BeanELResolver {

        OwnDelegatesOnly() {
            super(true);
        }

        private static boolean own(Object base) {
            return base != null && base.getClass().getName().startsWith("io.procos.") && !(base instanceof Class<?>);
        }

        @Override
        public Object getValue(ELContext context, Object base, Object property) {
            return own(base) ? super.getValue(context, base, property) : null;
        }

        @Override
        public Class<?> getType(ELContext context, Object base, Object property) {
            return own(base) ? super.getType(context, base, property) : null;
        }

        @Override
        public boolean isReadOnly(ELContext context, Object base, Object property) {
            return true;
        }

        @Override
        public void setValue(ELContext context, Object base, Object property, Object value) {
            // nothing is written through an expression
        }

        @Override
        public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
            return own(base) ? super.invoke(context, base, method, paramTypes, params) : null;
        }
    }
}
