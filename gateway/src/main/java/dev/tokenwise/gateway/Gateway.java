package dev.tokenwise.gateway;

import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.gateway.cache.ResponseCache;
import dev.tokenwise.gateway.config.ConfigException;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.context.ContextStages;
import dev.tokenwise.gateway.context.JdbcBatchJournal;
import dev.tokenwise.gateway.dashboard.DashboardRoutes;
import dev.tokenwise.gateway.dashboard.KeyBudgets;
import dev.tokenwise.gateway.keys.AdminRoutes;
import dev.tokenwise.gateway.keys.BudgetGuard;
import dev.tokenwise.gateway.keys.Keys;
import dev.tokenwise.gateway.ledger.BatchingLedger;
import dev.tokenwise.gateway.ledger.LedgerQuery;
import dev.tokenwise.gateway.ledger.LedgerStore;
import dev.tokenwise.gateway.observe.Observability;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Pipeline;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.provider.ModelRegistry;
import dev.tokenwise.gateway.provider.Provider;
import dev.tokenwise.gateway.provider.anthropic.AnthropicProvider;
import dev.tokenwise.gateway.provider.http.UpstreamHttp;
import dev.tokenwise.gateway.provider.mock.MockProvider;
import dev.tokenwise.gateway.provider.openai.OpenAiProvider;
import dev.tokenwise.gateway.provider.replay.ReplayProvider;
import dev.tokenwise.gateway.resilience.CircuitBreaker;
import dev.tokenwise.gateway.resilience.ResilienceStage;
import dev.tokenwise.gateway.resilience.Sleeper;
import dev.tokenwise.gateway.routing.RoutingStage;
import dev.tokenwise.gateway.server.GatewayServer;
import dev.tokenwise.gateway.stage.AccountingStage;
import dev.tokenwise.gateway.stage.AuthStage;
import dev.tokenwise.gateway.stage.BudgetStage;
import dev.tokenwise.gateway.stage.CacheStage;
import dev.tokenwise.gateway.stage.MetricsStage;
import dev.tokenwise.gateway.stage.ProviderStage;
import dev.tokenwise.gateway.server.Routes;
import io.opentelemetry.api.OpenTelemetry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
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
    private final Keys keys;
    private final ContextStages context;
    /** Closed in reverse order of opening, after the server and the ledger. */
    private final Deque<AutoCloseable> resources;

    private Gateway(Builder b, GatewayServer server, Pipeline pipeline) {
        this.config = b.config;
        this.server = server;
        this.registry = b.registry;
        this.pipeline = pipeline;
        this.prices = b.prices;
        this.ledger = b.ledger;
        this.accounting = b.accounting;
        this.keys = b.keys;
        this.context = b.context;
        this.resources = b.opened;
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

    /** The virtual keys and budget counters this gateway enforces. */
    public Keys keys() { return keys; }

    /** Context trimming, output caps and batching: the length-rate monitor and batch jobs. */
    public ContextStages context() { return context; }

    private static String hostForUrl(String host) {
        if (host.equals("0.0.0.0") || host.equals("::")) return "127.0.0.1";
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /**
     * Stops accepting, lets in-flight requests finish (up to {@code server.shutdown_grace_ms}),
     * drains the ledger, then releases every store and connection pool.
     */
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
            closeAll(resources);
        }
    }

    private static void closeAll(Deque<AutoCloseable> resources) {
        while (!resources.isEmpty()) {
            AutoCloseable r = resources.pop();
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", r.getClass().getSimpleName(), e.toString());
            }
        }
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
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new ConfigException("server.host: cannot resolve '" + host + "'", e);
        }
    }

    /** Assembles a gateway; time, randomness, waiting and environment are injectable for tests. */
    public static final class Builder {
        private GatewayConfig config;
        private InstantSource clock = InstantSource.system();
        private LongSupplier nanoTime = System::nanoTime;
        private Function<String, String> env = System::getenv;
        private Sleeper sleeper = Sleeper.REAL;
        private RandomGenerator random = RandomGenerator.getDefault();
        private OpenTelemetry openTelemetry;

        // components, filled in by start() in the order they are opened
        private final Deque<AutoCloseable> opened = new ArrayDeque<>();
        private PriceCatalog prices;
        private BatchingLedger ledger;
        private AccountingStage accounting;
        private Keys keys;
        private ContextStages context;
        private ModelRegistry registry;

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

        /** How retries wait (tests pass a recording sleeper). */
        public Builder sleeper(Sleeper sleeper) { this.sleeper = sleeper; return this; }

        public Builder random(RandomGenerator random) { this.random = random; return this; }

        /** Where per-stage spans go when {@code observability.tracing} is on (default: the global one). */
        public Builder openTelemetry(OpenTelemetry otel) { this.openTelemetry = otel; return this; }

        private <T extends AutoCloseable> T open(T resource) {
            opened.push(resource);
            return resource;
        }

        public Gateway start() {
            if (!opened.isEmpty()) throw new IllegalStateException("this builder already started a gateway");
            try {
                return assemble();
            } catch (RuntimeException e) {
                closeAll(opened);
                throw e;
            }
        }

        private Gateway assemble() {
            // routing loads its artifacts first: a bad one fails startup before anything is opened
            Stage routing = RoutingStage.create(config.routing(), config.models());
            keys = open(Keys.openServing(config, clock));
            refuseOpenNonLoopback(config, keys);
            prices = config.pricing().catalog();
            ledger = open(new BatchingLedger(LedgerStore.open(config.ledger(), Path.of(config.server().dataDir()), env),
                    config.ledger()));
            registry = open(providers());
            Observability observe = Observability.from(config.observability(), openTelemetry);

            // the request path, in order: each stage is one small class (see the stage packages)
            List<Stage> stages = new ArrayList<>();
            AuthStage auth = new AuthStage(keys.store());
            stages.add(auth);
            // metrics and accounting right after auth: they must see every request, cache hits and rejections included
            stages.add(new MetricsStage(observe.metrics(), observe.requestLog(), prices, nanoTime));
            accounting = new AccountingStage(prices, ledger, nanoTime);
            stages.add(accounting);
            BudgetGuard budget = new BudgetGuard(keys.store(), keys.budgets(), prices, clock, config.keys(), config.models().keySet());
            stages.add(new BudgetStage(budget));
            ResponseCache cache = open(ResponseCache.from(config.cache(), Path.of(config.server().dataDir()), nanoTime::getAsLong));
            stages.add(new CacheStage(cache, clock));
            stages.add(routing);
            // batch-job requests are reserved by the same budget rules, recorded by the same accounting
            // stage when they finish, and kept across restarts in the key store's database
            context = open(ContextStages.create(config.context(), registry, clock, nanoTime, env,
                    (job, owner, feature, id, request, reply) -> accounting.handle(Exchange.create(job + "/" + id,
                            clock.instant(), nanoTime.getAsLong(), request, Map.of("x-tokenwise-feature", feature), null)
                            .withPrincipal(owner), ex -> reply), budget,
                    new JdbcBatchJournal(keys.dataSource(), JdbcBatchJournal.nodeId(Path.of(config.server().dataDir())))));
            stages.addAll(context.stages());
            stages.add(new ResilienceStage(config.resilience(), new CircuitBreaker(config.resilience().breakerFailures(),
                    config.resilience().breakerOpenMs(), clock), sleeper, random));
            stages.add(new ProviderStage(registry, nanoTime));
            Pipeline pipeline = new Pipeline(observe.traced(stages));

            String adminKeyEnv = config.server().adminKeyEnv();
            String adminKey = env.apply(adminKeyEnv);
            Map<String, String> tiers = new LinkedHashMap<>();
            config.models().forEach((name, m) -> tiers.put(name, m.tier() == null ? "unknown" : m.tier()));
            DashboardRoutes dashboard = new DashboardRoutes(ledger.store().query(), new KeyBudgets(keys, clock),
                    observe.metrics(), adminKey, adminKeyEnv, config.server().host(), tiers, clock);
            // the HTTP surface beyond the OpenAI endpoints: key admin, dashboard, batch jobs
            List<Consumer<Routes>> routes = List.of(new AdminRoutes(keys, adminKey, adminKeyEnv, clock),
                    dashboard::register, app -> context.routes(app, auth::principal));
            GatewayServer server = new GatewayServer(pipeline, registry, config.server().maxBodyBytes(),
                    config.server().shutdownGraceMs(), config.server().idleTimeoutMs(), clock, nanoTime,
                    app -> routes.forEach(r -> r.accept(app)));
            server.start(config.server().host(), config.server().port());
            return new Gateway(this, server, pipeline);
        }

        private ModelRegistry providers() {
            Map<String, Provider> providers = new LinkedHashMap<>();
            providers.put("mock", new MockProvider(clock));
            UpstreamHttp http = new UpstreamHttp(clock);
            providers.put("openai", new OpenAiProvider(http, env));
            providers.put("anthropic", new AnthropicProvider(http, env, clock));
            ReplayProvider replay = new ReplayProvider(clock);
            providers.put("replay", replay);
            try {
                config.models().values().stream().filter(m -> "replay".equals(m.provider())).forEach(replay::preload);
                return new ModelRegistry(config.models(), providers);
            } catch (RuntimeException e) {
                http.close();
                throw e;
            }
        }
    }
}
