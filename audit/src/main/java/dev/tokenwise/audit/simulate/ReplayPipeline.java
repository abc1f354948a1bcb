package dev.tokenwise.audit.simulate;

import dev.tokenwise.audit.find.ModelTiers;
import dev.tokenwise.core.cache.HitVerifier;
import dev.tokenwise.gateway.cache.CacheConfig;
import dev.tokenwise.gateway.cache.Embedder;
import dev.tokenwise.gateway.cache.ResponseCache;
import dev.tokenwise.gateway.cache.SemanticCache;
import dev.tokenwise.gateway.cache.SemanticIndex;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.context.ContextConfig;
import dev.tokenwise.gateway.context.LengthMonitor;
import dev.tokenwise.gateway.context.OutputCapStage;
import dev.tokenwise.gateway.pipeline.Pipeline;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.provider.ModelRegistry;
import dev.tokenwise.gateway.provider.Provider;
import dev.tokenwise.gateway.routing.RoutingConfig;
import dev.tokenwise.gateway.routing.RoutingStage;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.stage.CacheStage;
import dev.tokenwise.gateway.stage.ProviderStage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the gateway {@link Pipeline} a replay runs, from the plan as the recommended
 * {@code tokenwise.yaml} configures it: the gateway's own {@link CacheStage} (exact cache in the
 * in-process store, semantic cache on the plan's routes), {@link RoutingStage} (rules router) and
 * {@link OutputCapStage}, the replay's trim, prompt-cache and batch stages ({@link SimStages}),
 * then the gateway's real {@link dev.tokenwise.gateway.stage.ProviderStage} over a
 * {@link ModelRegistry} whose every model is served by the {@link CostModelProvider}.
 */
record ReplayPipeline(Pipeline pipeline, ReplayClock clock, ResponseCache cache, List<Stage> stages, int headStages)
        implements AutoCloseable {
    /** The cache stage (when there is one) followed by {@code handoff}, which stands for the rest of the pipeline. */
    Pipeline head(Stage handoff) {
        List<Stage> l = new ArrayList<>(stages.subList(0, headStages));
        l.add(handoff);
        return new Pipeline(l);
    }

    /** The stages after the cache stage, down to the provider. */
    Pipeline tail() {
        return new Pipeline(stages.subList(headStages, stages.size()));
    }

    /**
     * @param models every model a replayed request may name or be routed to
     * @param embedder the semantic cache's embedding model (shared by the replays; only used on semantic routes)
     */
    static ReplayPipeline build(Plan plan, Set<String> models, Embedder embedder, HitVerifier verifier) {
        return build(plan, models, embedder, verifier, null);
    }

    /**
     * @param taps when not null, a {@link Taps} stage follows the cache stage and every strategy
     *     stage but the last, so one pass answers every prefix of the strategies after the caches
     */
    static ReplayPipeline build(Plan plan, Set<String> models, Embedder embedder, HitVerifier verifier, Taps taps) {
        ReplayClock clock = new ReplayClock();
        Map<String, ModelConfig> configs = modelConfigs(models);
        ModelRegistry registry = new ModelRegistry(configs, Map.<String, Provider>of("replay", new CostModelProvider()));
        Stage provider = new ProviderStage(registry, () -> 0L);
        List<Stage> stages = new ArrayList<>();
        ResponseCache cache = null;
        CacheConfig cacheConfig = cacheConfig(plan);
        // taps are numbered by prefix length: the cache strategies count even when their config enables nothing
        int level = (int) plan.strategies().stream().filter(Strategy::caches).count();
        if (cacheConfig.anyEnabled()) {
            SemanticCache semantic = cacheConfig.semanticAnywhere()
                    ? new SemanticCache(embedder, new SemanticIndex(null, cacheConfig.semanticMaxEntries()), verifier) : null;
            // the in-process exact store as the gateway builds it; the semantic cache shares one embedding model
            CacheConfig storeOnly = new CacheConfig(cacheConfig.exact(), false, cacheConfig.ttlSeconds(), null, null, null, null,
                    null, null, null, null, null, cacheConfig.semanticModel());
            cache = new ResponseCache(cacheConfig, ResponseCache.from(storeOnly, Path.of("."), clock).exact(), semantic);
            stages.add(new CacheStage(cache, clock));
        }
        ContextConfig context = contextConfig(plan);
        for (Strategy s : Strategy.values()) {
            if (!plan.on(s) || s.caches()) continue;
            if (taps != null) stages.add(taps.at(level, provider));
            stages.add(switch (s) {
                case ROUTING -> RoutingStage.create(routingConfig(plan, configs), configs);
                case TRIM -> new SimStages.Trim(context);
                case PROMPT_CACHE -> new SimStages.PromptCache(context);
                case OUTPUT_CAP -> new OutputCapStage(context, new LengthMonitor());
                case BATCH -> new SimStages.Batch(plan.batchFeatures());
                case CACHE_EXACT, CACHE_SEMANTIC -> throw new IllegalStateException("caches are one stage");
            });
            level++;
        }
        stages.add(provider);
        return new ReplayPipeline(new Pipeline(stages), clock, cache, List.copyOf(stages), cache == null ? 0 : 1);
    }

    /**
     * Records, for one replayed request, what the provider would have been asked at each tapped
     * level (the prefix of that many strategies) and passes the exchange on. Sound because every
     * replay stage decides before calling on and keeps state independent of the reply: a stage
     * treats a request the same whatever follows it.
     */
    static final class Taps {
        private final Reply[] byLevel;

        Taps(int levels) {
            byLevel = new Reply[levels + 1];
        }

        void reset() {
            java.util.Arrays.fill(byLevel, null);
        }

        /** The provider's reply at a level for the current request, or null when the request did not get there. */
        Reply at(int level) { return byLevel[level]; }

        Stage at(int level, Stage provider) {
            return (ex, next) -> {
                byLevel[level] = provider.handle(ex, e -> {
                    throw new IllegalStateException("the provider stage is last");
                });
                return next.proceed(ex);
            };
        }
    }

    /** The models section: each with its tier, so the router knows what is cheaper. */
    static Map<String, ModelConfig> modelConfigs(Set<String> models) {
        Map<String, ModelConfig> configs = new LinkedHashMap<>();
        for (String m : models) {
            String tier = ModelTiers.tier(m);
            configs.put(m, new ModelConfig("replay", m, null, null, tier.equals("unknown") ? null : tier, null));
        }
        return configs;
    }

    /** The cache section: exact cache everywhere, semantic cache on the routes (features) with near-duplicates. */
    static CacheConfig cacheConfig(Plan plan) {
        boolean exact = plan.on(Strategy.CACHE_EXACT);
        Map<String, CacheConfig.Route> routes = new LinkedHashMap<>();
        if (plan.on(Strategy.CACHE_SEMANTIC)) {
            for (String f : plan.semanticFeatures()) routes.put(f, new CacheConfig.Route(null, true, null, null, null, null));
        }
        return new CacheConfig(exact, false, plan.cacheTtlSeconds(), null, null, null, null, null, null, null, null, routes, null);
    }

    /**
     * The routing section: the rules router (the playbook's task table) sending small-tier tasks to
     * the plan's small model; models of unknown tier are pinned (never routed).
     */
    static RoutingConfig routingConfig(Plan plan, Map<String, ModelConfig> configs) {
        List<String> pinned = configs.entrySet().stream().filter(e -> e.getValue().tier() == null).map(Map.Entry::getKey).sorted().toList();
        Map<String, String> tiers = plan.smallModel() == null ? Map.of() : Map.of("small", plan.smallModel());
        return new RoutingConfig(true, "rules", null, null, null, tiers, pinned, null);
    }

    /** The context section: one route per feature with trimming, an output cap or prompt caching (the plan's strategies only). */
    static ContextConfig contextConfig(Plan plan) {
        Set<String> features = new TreeSet<>();
        if (plan.on(Strategy.TRIM)) features.addAll(plan.trims().keySet());
        if (plan.on(Strategy.OUTPUT_CAP)) features.addAll(plan.outputCaps().keySet());
        if (plan.on(Strategy.PROMPT_CACHE)) features.addAll(plan.promptCacheFeatures());
        List<ContextConfig.RouteConfig> routes = new ArrayList<>();
        for (String f : features) {
            Plan.TrimShape shape = plan.on(Strategy.TRIM) ? plan.trims().get(f) : null;
            ContextConfig.TrimConfig trim = shape == null ? null : new ContextConfig.TrimConfig(Math.toIntExact(plan.trimBudget()),
                    shape.keepLastTurns(), Plan.SUMMARY_TOKENS, new ContextConfig.PinConfig(null, shape.pinFirstUserTurns(), null), null);
            Long cap = plan.on(Strategy.OUTPUT_CAP) ? plan.outputCaps().get(f) : null;
            ContextConfig.OutputConfig output = cap == null ? null
                    : new ContextConfig.OutputConfig(Math.toIntExact(cap), null, null, null, null, null, null);
            ContextConfig.PromptCacheConfig promptCache = plan.on(Strategy.PROMPT_CACHE) && plan.promptCacheFeatures().contains(f)
                    ? new ContextConfig.PromptCacheConfig(true, null, null) : null;
            routes.add(new ContextConfig.RouteConfig(null, f, null, trim, null, output, promptCache, null));
        }
        return new ContextConfig(null, routes);
    }

    @Override
    public void close() {
        if (cache != null) cache.close();
    }
}
