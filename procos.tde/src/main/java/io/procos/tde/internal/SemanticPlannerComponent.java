package io.procos.tde.internal;

import io.procos.api.llm.TextEmbedder;
import io.procos.api.tde.Decision;
import io.procos.api.tde.Planner;
import io.procos.api.tde.TaskDescription;
import io.procos.api.tool.ToolDescriptor;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The offline planner as a service; active once the embedding model has loaded. */
@Component(service = Planner.class, configurationPid = SemanticPlannerComponent.PID,
        property = "service.ranking:Integer=-100") // an LLM planner, when configured, outranks it
@Designate(ocd = SemanticPlannerComponent.Config.class)
public final class SemanticPlannerComponent implements Planner {

    static final String PID = "io.procos.tde.semantic";

    @ObjectClassDefinition(name = "ProcOS semantic planner", description = "The offline planner: tools ranked by meaning.")
    public @interface Config {
        @AttributeDefinition(name = "Threshold", description = "Below this cosine similarity no tool is chosen.")
        double threshold() default 0.16;
    }

    private final SemanticPlanner planner;

    @Activate
    public SemanticPlannerComponent(@Reference TextEmbedder embedder, Config config) {
        this.planner = new SemanticPlanner(embedder, config.threshold());
    }

    @Override
    public String name() {
        return planner.name();
    }

    @Override
    public Decision decide(TaskDescription task, List<ToolDescriptor> tools) {
        return planner.decide(task, tools);
    }

    @Override
    public Decision decide(TaskDescription task, List<ToolDescriptor> tools, List<io.procos.api.tde.Precedent> precedents) {
        return planner.decide(task, tools, precedents);
    }

    @Override
    public Decision reconsider(TaskDescription task, List<ToolDescriptor> tools, Decision rejected, String problem) {
        return planner.reconsider(task, tools, rejected, problem);
    }
}
