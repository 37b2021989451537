package io.procos.tde.internal;

import io.procos.api.health.Health;
import io.procos.api.health.HealthContributor;
import io.procos.api.tde.Planner;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** Says in {@code /api/health} which planner decides now: the configured language model, or the offline one. */
@Component(service = HealthContributor.class)
public final class PlannerHealth implements HealthContributor {

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Planner planner;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SemanticPlanner offline;

    @Override
    public String name() {
        return "planner";
    }

    @Override
    public Health check() {
        Planner p = planner;
        if (p == null) return Health.degraded("no planner yet (the embedding model may still be loading)");
        return Health.up(p.name()
                + (p.name().startsWith("semantic") ? "; no chat model is configured (conf/io.procos.llm.chat.cfg)" : "")
                + (offline == null ? "" : "; " + offline.indexState()));
    }
}
