package dev.tokenwise.audit.simulate;

import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.pipeline.Pipeline;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.provider.ModelRegistry;
import dev.tokenwise.gateway.provider.Provider;
import dev.tokenwise.gateway.stage.ProviderStage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the gateway {@link Pipeline} a replay runs: the plan's strategy stages in
 * {@link Strategy} order, then the gateway's real {@link ProviderStage} over a
 * {@link ModelRegistry} whose every model is served by the {@link CostModelProvider}.
 */
final class ReplayPipeline {
    private ReplayPipeline() {}

    static Pipeline build(Plan plan, Set<String> models) {
        Map<String, ModelConfig> configs = new LinkedHashMap<>();
        for (String m : models) configs.put(m, new ModelConfig("replay", m, null, null, null, null));
        Map<String, Provider> providers = Map.of("replay", new CostModelProvider());
        ModelRegistry registry = new ModelRegistry(configs, providers);
        List<Stage> stages = new ArrayList<>();
        for (Strategy s : Strategy.values()) {
            if (plan.on(s)) stages.add(stageFor(s, plan));
        }
        stages.add(new ProviderStage(registry, () -> 0L));
        return new Pipeline(stages);
    }

    /** The stage that applies one strategy; the one place to swap in the gateway's own stages. */
    static Stage stageFor(Strategy s, Plan plan) {
        return switch (s) {
            case CACHE_EXACT -> new SimStages.ExactCache();
            case CACHE_SEMANTIC -> new SimStages.SemanticCache();
            case ROUTING -> new SimStages.Routing();
            case TRIM -> new SimStages.Trim(plan.trimBudget());
            case PROMPT_CACHE -> new SimStages.PromptCache();
            case OUTPUT_CAP -> new SimStages.OutputCap(plan.outputCaps());
            case BATCH -> new SimStages.Batch(plan.batchFeatures());
        };
    }
}
