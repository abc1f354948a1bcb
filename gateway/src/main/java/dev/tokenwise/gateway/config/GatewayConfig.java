package dev.tokenwise.gateway.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole gateway configuration, as read from {@code tokenwise.yaml} (snake_case keys) and
 * validated by {@link ConfigLoader}. Each section is a small record of its own.
 *
 * @param server how the gateway listens
 * @param models model name (as clients send it) to how it is served
 * @param pricing the price sheet and overrides requests are charged at
 * @param ledger where request records are stored
 * @param routing which cheaper model answers which requests (disabled by default)
 */
public record GatewayConfig(ServerConfig server, Map<String, ModelConfig> models, PricingConfig pricing,
                            LedgerConfig ledger, dev.tokenwise.gateway.routing.RoutingConfig routing) {
    public GatewayConfig {
        if (server == null) server = ServerConfig.defaults();
        models = models == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
        if (pricing == null) pricing = PricingConfig.defaults();
        if (ledger == null) ledger = LedgerConfig.defaults();
        if (routing == null) routing = dev.tokenwise.gateway.routing.RoutingConfig.disabled();
    }

    public GatewayConfig(ServerConfig server, Map<String, ModelConfig> models) {
        this(server, models, null, null, null);
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

    /** Every model name proxied to one OpenAI-compatible base URL (quick start). */
    public static GatewayConfig upstream(String baseUrl, String apiKeyEnv) {
        Map<String, ModelConfig> m = new LinkedHashMap<>();
        for (Map.Entry<String, ModelConfig> e : embeddedDefault().models().entrySet()) {
            m.put(e.getKey(), new ModelConfig("openai", e.getKey(), baseUrl, apiKeyEnv, e.getValue().tier(), null));
        }
        return new GatewayConfig(ServerConfig.defaults(), m);
    }

    public GatewayConfig withServer(ServerConfig s) {
        return new GatewayConfig(s, models, pricing, ledger, routing);
    }

    public GatewayConfig withPricing(PricingConfig p) {
        return new GatewayConfig(server, models, p, ledger, routing);
    }

    public GatewayConfig withLedger(LedgerConfig l) {
        return new GatewayConfig(server, models, pricing, l, routing);
    }

    public GatewayConfig withRouting(dev.tokenwise.gateway.routing.RoutingConfig r) {
        return new GatewayConfig(server, models, pricing, ledger, r);
    }
}
