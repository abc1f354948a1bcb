package dev.tokenwise.gateway;

import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.pipeline.Pipeline;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.provider.ModelRegistry;
import dev.tokenwise.gateway.provider.Provider;
import dev.tokenwise.gateway.provider.mock.MockProvider;
import dev.tokenwise.gateway.server.GatewayServer;
import dev.tokenwise.gateway.stage.ProviderStage;
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

    private Gateway(GatewayConfig config, GatewayServer server, ModelRegistry registry, Pipeline pipeline) {
        this.config = config;
        this.server = server;
        this.registry = registry;
        this.pipeline = pipeline;
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

    private static String hostForUrl(String host) {
        if (host.equals("0.0.0.0") || host.equals("::")) return "127.0.0.1";
        return host.contains(":") ? "[" + host + "]" : host;
    }

    @Override
    public void close() {
        server.close();
        registry.close();
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
            Map<String, Provider> providers = new LinkedHashMap<>();
            providers.put("mock", new MockProvider(clock));
            ModelRegistry registry = new ModelRegistry(config.models(), providers);
            List<Stage> stages = new ArrayList<>();
            stages.add(dev.tokenwise.gateway.routing.RoutingStage.create(config.routing(), config.models()));
            stages.add(new ProviderStage(registry, nanoTime));
            Pipeline pipeline = new Pipeline(stages);
            GatewayServer server = new GatewayServer(pipeline, registry, config.server().maxBodyBytes(), clock, nanoTime, null);
            try {
                server.start(config.server().host(), config.server().port());
            } catch (RuntimeException e) {
                registry.close();
                throw e;
            }
            return new Gateway(config, server, registry, pipeline);
        }
    }
}
