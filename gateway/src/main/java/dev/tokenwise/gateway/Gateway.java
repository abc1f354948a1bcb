package dev.tokenwise.gateway;

import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.ledger.BatchingLedger;
import dev.tokenwise.gateway.ledger.LedgerQuery;
import dev.tokenwise.gateway.ledger.LedgerStore;
import dev.tokenwise.gateway.pipeline.Pipeline;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.provider.ModelRegistry;
import dev.tokenwise.gateway.provider.Provider;
import dev.tokenwise.gateway.provider.mock.MockProvider;
import dev.tokenwise.gateway.server.GatewayServer;
import dev.tokenwise.gateway.stage.AccountingStage;
import dev.tokenwise.gateway.stage.ProviderStage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private final GatewayConfig config;
    private final GatewayServer server;
    private final ModelRegistry registry;
    private final Pipeline pipeline;
    private final PriceCatalog prices;
    private final BatchingLedger ledger;
    private final AccountingStage accounting;

    private Gateway(GatewayConfig config, GatewayServer server, ModelRegistry registry, Pipeline pipeline,
                    PriceCatalog prices, BatchingLedger ledger, AccountingStage accounting) {
        this.config = config;
        this.server = server;
        this.registry = registry;
        this.pipeline = pipeline;
        this.prices = prices;
        this.ledger = ledger;
        this.accounting = accounting;
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

    /** The prices requests are charged at (the configured sheet plus overrides). */
    public PriceCatalog prices() { return prices; }

    /** Where every request's record goes; {@code flush()} makes everything appended so far readable. */
    public BatchingLedger ledger() { return ledger; }

    /** Aggregations over this gateway's ledger (for reports and the dashboard). */
    public LedgerQuery ledgerQuery() { return ledger.store().query(); }

    private static String hostForUrl(String host) {
        if (host.equals("0.0.0.0") || host.equals("::")) return "127.0.0.1";
        return host.contains(":") ? "[" + host + "]" : host;
    }

    @Override
    public void close() {
        try {
            server.close();
            // requests the server was still answering finish their ledger append before the ledger closes
            if (!accounting.awaitIdle(Duration.ofMillis(config.server().shutdownGraceMs()))) {
                LOG.warn("{} requests still running after {} ms; closing the ledger without them",
                        accounting.inFlight(), config.server().shutdownGraceMs());
            }
        } finally {
            // after the server: every answered request has appended its record; close drains them all
            ledger.close();
            registry.close();
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
            // routing loads its artifacts first: a bad one fails startup before anything is opened
            Stage routing = dev.tokenwise.gateway.routing.RoutingStage.create(config.routing(), config.models());
            PriceCatalog prices = config.pricing().catalog();
            BatchingLedger ledger = new BatchingLedger(
                    LedgerStore.open(config.ledger(), Path.of(config.server().dataDir()), env), config.ledger());
            Map<String, Provider> providers = new LinkedHashMap<>();
            providers.put("mock", new MockProvider(clock));
            ModelRegistry registry = new ModelRegistry(config.models(), providers);
            List<Stage> stages = new ArrayList<>();
            // accounting right after auth: it must see every request, cache hits and rejections included
            AccountingStage accounting = new AccountingStage(prices, ledger, nanoTime);
            stages.add(accounting);
            stages.add(routing);
            stages.add(new ProviderStage(registry, nanoTime));
            Pipeline pipeline = new Pipeline(stages);
            GatewayServer server = new GatewayServer(pipeline, registry, config.server().maxBodyBytes(), clock, nanoTime, null);
            try {
                server.start(config.server().host(), config.server().port());
            } catch (RuntimeException e) {
                registry.close();
                ledger.close();
                throw e;
            }
            return new Gateway(config, server, registry, pipeline, prices, ledger, accounting);
        }
    }
}
