package dev.tokenwise.gateway.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.keys.BudgetLedger;
import dev.tokenwise.gateway.keys.BudgetPeriod;
import dev.tokenwise.gateway.keys.KeyStore;
import dev.tokenwise.gateway.keys.Keys;
import dev.tokenwise.gateway.pipeline.ChunkSink;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Principal;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import dev.tokenwise.gateway.testing.PostgresServer;
import dev.tokenwise.gateway.testing.RedisServer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 requests enter the budget stage at the same instant (no HTTP in between), on two stage
 * instances with separate store connections, as two replicas would: the budget is never exceeded.
 */
class BudgetRaceTest {
    private static final Instant NOW = Instant.parse("2026-06-15T09:00:00Z");
    private static final BigDecimal BUDGET = new BigDecimal("0.01");
    private static final PriceCatalog PRICES = PriceCatalog.bundled();
    @TempDir Path dir;

    private static ChatRequest request(int i) {
        return ChatRequest.parse(("{\"model\":\"gpt-4o\",\"max_tokens\":150,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Summarise product " + i + "\"}]}").getBytes(StandardCharsets.UTF_8));
    }

    private void race(GatewayConfig config) throws Exception {
        try (Keys a = Keys.open(config, InstantSource.fixed(NOW)); Keys b = Keys.open(config, InstantSource.fixed(NOW))) {
            KeyStore.Created k = a.store().create("race", null, BUDGET, BudgetPeriod.DAY);
            List<BudgetStage> stages = List.of(
                    new BudgetStage(a.store(), a.budgets(), PRICES, InstantSource.fixed(NOW), config.keys(), config.models().keySet()),
                    new BudgetStage(b.store(), b.budgets(), PRICES, InstantSource.fixed(NOW), config.keys(), config.models().keySet()));
            Usage actual = Usage.counted(20, 60);
            long perCall = BudgetStage.toNanos(PRICES.cost("gpt-4o", actual));
            AtomicLong answered = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> fs = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 200; i++) {
                    BudgetStage stage = stages.get(i % 2);
                    Exchange ex = Exchange.create("r" + i, NOW, 0, request(i), Map.of(), ChunkSink.NONE)
                            .withPrincipal(new Principal(k.key().id(), "race", "default"));
                    fs.add(pool.submit(() -> {
                        start.await();
                        try {
                            stage.handle(ex, e -> {
                                answered.incrementAndGet();
                                return Reply.fromProvider(ChatResponse.of("id", "gpt-4o", 0, "ok", "stop", actual),
                                        new UpstreamCall("gpt-4o", "mock", actual, 0));
                            });
                            return true;
                        } catch (GatewayException e) {
                            assertThat(e.code()).isEqualTo("budget_exceeded");
                            return false;
                        }
                    }));
                }
                start.countDown();
                int ok = 0;
                for (Future<Boolean> f : fs) if (f.get()) ok++;
                BudgetLedger.Balance bal = b.budgets().balance(k.key().id(), "2026-06-15");
                assertThat(ok).isEqualTo((int) answered.get()).isGreaterThan(3).isLessThan(100);
                assertThat(bal.reservedNanos()).isZero();
                assertThat(bal.spentNanos()).isEqualTo(ok * perCall).isLessThanOrEqualTo(BudgetStage.toNanos(BUDGET));
            }
        }
    }

    private GatewayConfig base() {
        GatewayConfig c = GatewayConfig.embeddedDefault();
        return c.withServer(c.server().withDataDir(dir.toString()));
    }

    @Test
    void two_hundred_simultaneous_requests_on_sqlite_never_overspend() throws Exception {
        race(base());
    }

    @Test
    void two_hundred_simultaneous_requests_on_redis_never_overspend() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            race(base().withKeys(base().keys().withRedisUrl(redis.url())));
        }
    }

    @Test
    void two_hundred_simultaneous_requests_on_postgresql_never_overspend() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            race(base().withKeys(base().keys().withUrl(pg.jdbcUrl())));
        }
    }
}
