package dev.tokenwise.gateway.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole gateway configuration, as read from {@code tokenwise.yaml} (snake_case keys) and
 * validated by {@link ConfigLoader}. Each section is a small record of its own; a section that is
 * absent gets its defaults (usually: the feature is off).
 *
 * @param server how the gateway listens
 * @param models model name (as clients send it) to how it is served
 * @param pricing the price sheet and overrides requests are charged at
 * @param ledger where request records are stored
 * @param keys virtual API keys and budgets
 * @param cache exact and semantic response caching
 * @param routing which model answers each request
 * @param context history trimming, output caps, prompt caching and batching
 * @param observability metrics, request logs and tracing
 * @param resilience retries, fallbacks and circuit breaking
 */
public record GatewayConfig(ServerConfig server, Map<String, ModelConfig> models, PricingConfig pricing, LedgerConfig ledger, KeysConfig keys, dev.tokenwise.gateway.cache.CacheConfig cache, dev.tokenwise.gateway.routing.RoutingConfig routing, dev.tokenwise.gateway.context.ContextConfig context, ObservabilityConfig observability, ResilienceConfig resilience) {
    public GatewayConfig {
        if (server == null) server = ServerConfig.defaults();
        models = models == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
        if (pricing == null) pricing = PricingConfig.defaults();
        if (ledger == null) ledger = LedgerConfig.defaults();
        if (keys == null) keys = KeysConfig.defaults();
        if (cache == null) cache = dev.tokenwise.gateway.cache.CacheConfig.disabled();
        if (routing == null) routing = dev.tokenwise.gateway.routing.RoutingConfig.disabled();
        if (context == null) context = dev.tokenwise.gateway.context.ContextConfig.NONE;
        if (observability == null) observability = ObservabilityConfig.defaults();
        if (resilience == null) resilience = ResilienceConfig.defaults();
    }

    /** Only listener and models; every other section at its defaults. */
    public GatewayConfig(ServerConfig server, Map<String, ModelConfig> models) {
        this(server, models, null, null, null, null, null, null, null, null);
    }

    /** The embedded default: mock models named like the real ones, loopback only, no keys. */
    public static GatewayConfig embeddedDefault() {
        Map<String, ModelConfig> m = new LinkedHashMap<>();
        m.put("gpt-4o", ModelConfig.mock("large", new ModelConfig.MockConfig(0, 0, 60)));
        m.put("gpt-4o-mini", ModelConfig.mock("small", new ModelConfig.MockConfig(0, 0, 40)));
        m.put("claude-3-5-sonnet", ModelConfig.mock("large", new ModelConfig.MockConfig(0, 0, 60)));
        m.put("claude-3-haiku", ModelConfig.mock("small", new ModelConfig.MockConfig(0, 0, 40)));
        m.put("llama-3-70b", ModelConfig.mock("mid", new ModelConfig.MockConfig(0, 0, 50)));
        m.put("llama-3-8b", ModelConfig.mock("small", new ModelConfig.MockConfig(0, 0, 30)));
        return new GatewayConfig(ServerConfig.defaults(), m);
    }

    /**
     * Every model name proxied to one OpenAI-compatible base URL (quick start): the six well-known
     * names (listed by /v1/models, with tiers) and a catch-all {@code "*"} for any other name.
     */
    public static GatewayConfig upstream(String baseUrl, String apiKeyEnv) {
        Map<String, ModelConfig> m = new LinkedHashMap<>();
        for (Map.Entry<String, ModelConfig> e : embeddedDefault().models().entrySet()) {
            m.put(e.getKey(), new ModelConfig("openai", e.getKey(), baseUrl, apiKeyEnv, e.getValue().tier(), null));
        }
        m.put("*", new ModelConfig("openai", null, baseUrl, apiKeyEnv, null, null));
        return new GatewayConfig(ServerConfig.defaults(), m);
    }

    /**
     * The mock model as a stand-alone OpenAI-compatible server: answers any model name, like a
     * vLLM or llama.cpp server would, with the given speed, length and fault.
     */
    public static GatewayConfig mockUpstream(ModelConfig.MockConfig mock) {
        Map<String, ModelConfig> m = new LinkedHashMap<>();
        for (Map.Entry<String, ModelConfig> e : embeddedDefault().models().entrySet()) {
            m.put(e.getKey(), ModelConfig.mock(e.getValue().tier(), mock));
        }
        m.put("*", ModelConfig.mock(null, mock));
        // a stand-in for a raw upstream passes every fault through: no retries, no circuit breaking
        return new GatewayConfig(ServerConfig.defaults(), m).withResilience(ResilienceConfig.off());
    }

    public GatewayConfig withServer(ServerConfig v) {
        return new GatewayConfig(v, models, pricing, ledger, keys, cache, routing, context, observability, resilience);
    }

    public GatewayConfig withModels(Map<String, ModelConfig> v) {
        return new GatewayConfig(server, v, pricing, ledger, keys, cache, routing, context, observability, resilience);
    }

    public GatewayConfig withPricing(PricingConfig v) {
        return new GatewayConfig(server, models, v, ledger, keys, cache, routing, context, observability, resilience);
    }

    public GatewayConfig withLedger(LedgerConfig v) {
        return new GatewayConfig(server, models, pricing, v, keys, cache, routing, context, observability, resilience);
    }

    public GatewayConfig withKeys(KeysConfig v) {
        return new GatewayConfig(server, models, pricing, ledger, v, cache, routing, context, observability, resilience);
    }

    public GatewayConfig withCache(dev.tokenwise.gateway.cache.CacheConfig v) {
        return new GatewayConfig(server, models, pricing, ledger, keys, v, routing, context, observability, resilience);
    }

    public GatewayConfig withRouting(dev.tokenwise.gateway.routing.RoutingConfig v) {
        return new GatewayConfig(server, models, pricing, ledger, keys, cache, v, context, observability, resilience);
    }

    public GatewayConfig withContext(dev.tokenwise.gateway.context.ContextConfig v) {
        return new GatewayConfig(server, models, pricing, ledger, keys, cache, routing, v, observability, resilience);
    }

    public GatewayConfig withObservability(ObservabilityConfig v) {
        return new GatewayConfig(server, models, pricing, ledger, keys, cache, routing, context, v, resilience);
    }

    public GatewayConfig withResilience(ResilienceConfig v) {
        return new GatewayConfig(server, models, pricing, ledger, keys, cache, routing, context, observability, v);
    }
}
