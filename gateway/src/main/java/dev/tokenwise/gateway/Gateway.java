package dev.tokenwise.gateway;

import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.gateway.config.ConfigException;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.keys.AdminRoutes;
import dev.tokenwise.gateway.keys.Keys;
import dev.tokenwise.gateway.pipeline.Pipeline;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.provider.ModelRegistry;
import dev.tokenwise.gateway.provider.Provider;
import dev.tokenwise.gateway.provider.mock.MockProvider;
import dev.tokenwise.gateway.server.GatewayServer;
import dev.tokenwise.gateway.stage.AuthStage;
import dev.tokenwise.gateway.stage.BudgetStage;
import dev.tokenwise.gateway.stage.ProviderStage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A running tokenwise gateway: the public entry point. Build one from a validated
 * {@link GatewayConfig}; it assembles the providers, the pipeline of stages and the HTTP server.
 *
 * <pre>{@code
 * try (Gateway gw = Gateway.builder(GatewayConfig.embeddedDefault()).port(0).start()) {
 *     System.out.println(gw.baseUrl());
 * }
 * }</pre>
 */
public final class Gateway implements AutoCloseable {
    private final GatewayConfig config;
    private final GatewayServer server;
    private final ModelRegistry registry;
    private final Pipeline pipeline;
    private final Keys keys;

    private Gateway(GatewayConfig config, GatewayServer server, ModelRegistry registry, Pipeline pipeline, Keys keys) {
        this.config = config;
        this.server = server;
        this.registry = registry;
        this.pipeline = pipeline;
        this.keys = keys;
    }

    public static Builder builder(GatewayConfig config) {
        return new Builder(config);
    }

    public int port() { return server.port(); }

    /** The OpenAI-compatible base URL clients use, e.g. http://127.0.0.1:8080/v1 */
    public String baseUrl() { return "http://" + hostForUrl(config.server().host()) + ":" + port() + "/v1"; }

    public GatewayConfig config() { return config; }

    public Pipeline pipeline() { return pipeline; }

    public ModelRegistry registry() { return registry; }

    /** The virtual keys and budget counters this gateway enforces. */
    public Keys keys() { return keys; }

    private static String hostForUrl(String host) {
        if (host.equals("0.0.0.0") || host.equals("::")) return "127.0.0.1";
        return host.contains(":") ? "[" + host + "]" : host;
    }

    @Override
    public void close() {
        server.close();
        registry.close();
        keys.close();
    }

    /**
     * An open gateway (no keys) on an address other people can reach would let anyone spend the
     * upstream accounts, so it does not start.
     */
    static void refuseOpenNonLoopback(GatewayConfig config, Keys keys) {
        String host = config.server().host();
        if (isLoopback(host) || keys.store().hasKeys()) return;
        throw new ConfigException("server.host: '" + host + "' is not a loopback address and no API keys exist, so "
                + "anyone who can reach it could spend your upstream budget. Create a key first "
                + "(tokenwise keys create --name NAME --budget-usd 50 --period month), or bind 127.0.0.1.");
    }

    static boolean isLoopback(String host) {
        try {
            InetAddress a = InetAddress.getByName(host);
            return a.isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new ConfigException("server.host: cannot resolve '" + host + "'", e);
        }
    }

    /** Assembles a gateway; time and environment are injectable for tests. */
    public static final class Builder {
        private GatewayConfig config;
        private InstantSource clock = InstantSource.system();
        private LongSupplier nanoTime = System::nanoTime;
        private Function<String, String> env = System::getenv;

        private Builder(GatewayConfig config) {
            this.config = config;
        }

        public Builder port(int port) {
            config = config.withServer(config.server().withPort(port));
            return this;
        }

        public Builder clock(InstantSource clock) { this.clock = clock; return this; }

        public Builder nanoTime(LongSupplier nanoTime) { this.nanoTime = nanoTime; return this; }

        public Builder env(Function<String, String> env) { this.env = env; return this; }

        public Gateway start() {
            Keys keys = Keys.open(config, clock);
            try {
                refuseOpenNonLoopback(config, keys);
            } catch (RuntimeException e) {
                keys.close();
                throw e;
            }
            PriceCatalog catalog = PriceCatalog.bundled();
            Map<String, Provider> providers = new LinkedHashMap<>();
            providers.put("mock", new MockProvider(clock));
            ModelRegistry registry = new ModelRegistry(config.models(), providers);
            List<Stage> stages = new ArrayList<>();
            stages.add(new AuthStage(keys.store()));
            stages.add(new BudgetStage(keys.store(), keys.budgets(), catalog, clock, config.keys(), config.models().keySet()));
            stages.add(new ProviderStage(registry, nanoTime));
            Pipeline pipeline = new Pipeline(stages);
            String adminKeyEnv = config.server().adminKeyEnv();
            GatewayServer server = new GatewayServer(pipeline, registry, config.server().maxBodyBytes(), clock, nanoTime,
                    new AdminRoutes(keys, env.apply(adminKeyEnv), adminKeyEnv, clock));
            try {
                server.start(config.server().host(), config.server().port());
            } catch (RuntimeException e) {
                registry.close();
                keys.close();
                throw e;
            }
            return new Gateway(config, server, registry, pipeline, keys);
        }
    }
}
