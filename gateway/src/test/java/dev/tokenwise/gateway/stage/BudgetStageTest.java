package dev.tokenwise.gateway.stage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.keys.BudgetLedger;
import dev.tokenwise.gateway.keys.BudgetPeriod;
import dev.tokenwise.gateway.keys.KeyStore;
import dev.tokenwise.gateway.testing.MutableClock;
import dev.tokenwise.gateway.testing.PostgresServer;
import dev.tokenwise.gateway.testing.RedisServer;
import dev.tokenwise.gateway.testing.TestGateway;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class BudgetStageTest {
    private static final PriceCatalog PRICES = PriceCatalog.bundled();
    private static final BigDecimal BUDGET = new BigDecimal("0.01");

    /** A request whose worst case (gpt-4o, max_tokens 150) is about $0.0016 and actual cost about $0.0006. */
    private static String body(int i) {
        var b = Json.object();
        b.put("model", "gpt-4o");
        b.put("max_tokens", 150);
        b.putArray("messages").addObject().put("role", "user").put("content", "Summarise product " + i + " for the catalogue.");
        return Json.write(b);
    }

    private record Outcome(int ok, int refused, long chargedNanos) {}

    /** Fires {@code n} requests at once, spread over the gateways, and prices every successful answer. */
    private static Outcome race(List<TestGateway> gateways, String secret, int n) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        // The client keeps at most 48 requests in flight, so the race is between requests, not
        // between connection attempts (Jetty's default accept queue of 50 used to reset more).
        // BudgetRaceTest puts all 200 on the stage at once, without HTTP.
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(48);
        List<Future<HttpResponse<String>>> fs = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                TestGateway gw = gateways.get(i % gateways.size());
                String body = body(i);
                fs.add(pool.submit(() -> {
                    start.await();
                    inFlight.acquire();
                    try {
                        return gw.post("/chat/completions", body, Map.of("Authorization", "Bearer " + secret));
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            start.countDown();
            int ok = 0, refused = 0;
            long charged = 0;
            for (Future<HttpResponse<String>> f : fs) {
                HttpResponse<String> r = f.get();
                JsonNode j = TestGateway.json(r);
                if (r.statusCode() == 200) {
                    ok++;
                    Usage u = Usage.fromOpenAi(j.get("usage"));
                    charged += BudgetStage.toNanos(PRICES.cost("gpt-4o", u));
                } else {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
                    assertThat(j.at("/error/code").asText()).isEqualTo("budget_exceeded");
                    assertThat(j.at("/error/type").asText()).isEqualTo("rate_limit_error");
                    refused++;
                }
            }
            return new Outcome(ok, refused, charged);
        }
    }

    private static void assertNeverOverspent(Outcome o, BudgetLedger.Balance b, int n) {
        assertThat(o.ok() + o.refused()).isEqualTo(n);
        assertThat(o.ok()).as("some requests fit the budget").isGreaterThan(3);
        assertThat(o.refused()).as("most do not").isGreaterThan(n / 2);
        assertThat(b.reservedNanos()).as("every reservation was settled").isZero();
        assertThat(b.spentNanos()).as("spent is exactly the sum of the answers' costs").isEqualTo(o.chargedNanos());
        assertThat(b.spentNanos()).as("never over budget").isLessThanOrEqualTo(BudgetStage.toNanos(BUDGET));
    }

    @Test
    void two_hundred_concurrent_requests_never_overspend_a_small_budget() throws Exception {
        try (TestGateway gw = TestGateway.embedded()) {
            KeyStore.Created k = gw.gateway().keys().store().create("race", null, BUDGET, BudgetPeriod.DAY);
            Outcome o = race(List.of(gw), k.secret(), 200);
            String period = BudgetPeriod.DAY.bucket(Instant.now());
            assertNeverOverspent(o, gw.gateway().keys().budgets().balance(k.key().id(), period), 200);
        }
    }

    @Test
    void two_gateways_sharing_redis_never_overspend_together() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            GatewayConfig base = TestGateway.withTempDataDir(GatewayConfig.embeddedDefault());
            GatewayConfig c = base.withKeys(base.keys().withRedisUrl(redis.url()));
            try (TestGateway a = TestGateway.start(Gateway.builder(c).port(0));
                 TestGateway b = TestGateway.start(Gateway.builder(c).port(0))) {
                KeyStore.Created k = a.gateway().keys().store().create("race", null, BUDGET, BudgetPeriod.MONTH);
                Outcome o = race(List.of(a, b), k.secret(), 200);
                String period = BudgetPeriod.MONTH.bucket(Instant.now());
                assertNeverOverspent(o, b.gateway().keys().budgets().balance(k.key().id(), period), 200);
            }
        }
    }

    @Test
    void two_gateways_sharing_postgresql_never_overspend_together() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            GatewayConfig base = GatewayConfig.embeddedDefault();
            GatewayConfig a0 = TestGateway.replica(base, pg.jdbcUrl());
            GatewayConfig b0 = TestGateway.replica(base, pg.jdbcUrl());
            try (TestGateway a = TestGateway.start(Gateway.builder(a0).port(0));
                 TestGateway b = TestGateway.start(Gateway.builder(b0).port(0))) {
                KeyStore.Created k = a.gateway().keys().store().create("race", null, BUDGET, BudgetPeriod.DAY);
                Outcome o = race(List.of(a, b), k.secret(), 200);
                String period = BudgetPeriod.DAY.bucket(Instant.now());
                assertNeverOverspent(o, b.gateway().keys().budgets().balance(k.key().id(), period), 200);
            }
        }
    }

    @Test
    void an_exhausted_daily_budget_is_available_again_the_next_utc_day() {
        MutableClock clock = new MutableClock(Instant.parse("2026-05-10T23:50:00Z"));
        GatewayConfig c = TestGateway.withTempDataDir(GatewayConfig.embeddedDefault());
        try (TestGateway gw = TestGateway.start(Gateway.builder(c).port(0).clock(clock))) {
            KeyStore.Created k = gw.gateway().keys().store().create("daily", null, new BigDecimal("0.002"), BudgetPeriod.DAY);
            Map<String, String> auth = Map.of("Authorization", "Bearer " + k.secret());
            assertThat(gw.post("/chat/completions", body(1), auth).statusCode()).isEqualTo(200);
            HttpResponse<String> refused = gw.post("/chat/completions", body(2), auth);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(TestGateway.json(refused).at("/error/code").asText()).isEqualTo("budget_exceeded");
            assertThat(refused.headers().firstValue("retry-after")).hasValue("600");

            clock.advance(Duration.ofMinutes(11));
            assertThat(gw.post("/chat/completions", body(3), auth).statusCode()).isEqualTo(200);
            BudgetLedger l = gw.gateway().keys().budgets();
            assertThat(l.balance(k.key().id(), "2026-05-10").spentNanos()).isPositive();
            assertThat(l.balance(k.key().id(), "2026-05-11").spentNanos()).isPositive();
        }
    }

    @Test
    void a_request_without_max_tokens_is_reserved_and_capped_at_the_default() {
        GatewayConfig c = TestGateway.withTempDataDir(GatewayConfig.embeddedDefault());
        try (TestGateway gw = TestGateway.start(c)) {
            // 4096 output tokens of gpt-4o cost $0.04096: a $0.03 budget cannot cover the worst case
            KeyStore.Created k = gw.gateway().keys().store().create("small", null, new BigDecimal("0.03"), BudgetPeriod.DAY);
            HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hi", false),
                    Map.of("Authorization", "Bearer " + k.secret()));
            assertThat(r.statusCode()).isEqualTo(429);
            KeyStore.Created big = gw.gateway().keys().store().create("big", null, new BigDecimal("0.05"), BudgetPeriod.DAY);
            assertThat(gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hi", false),
                    Map.of("Authorization", "Bearer " + big.secret())).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_key_without_a_budget_is_not_metered_and_a_failed_call_releases_its_reservation() {
        GatewayConfig c = TestGateway.withTempDataDir(GatewayConfig.embeddedDefault());
        try (TestGateway gw = TestGateway.start(c)) {
            KeyStore.Created free = gw.gateway().keys().store().create("free", null, null, null);
            assertThat(gw.post("/chat/completions", body(1), Map.of("Authorization", "Bearer " + free.secret())).statusCode())
                    .isEqualTo(200);
            KeyStore.Created k = gw.gateway().keys().store().create("k", null, BigDecimal.ONE, BudgetPeriod.DAY);
            var b = Json.object();
            b.put("model", "not-configured-model");
            b.put("max_tokens", 10);
            b.putArray("messages").addObject().put("role", "user").put("content", "hi");
            HttpResponse<String> r = gw.post("/chat/completions", Json.write(b), Map.of("Authorization", "Bearer " + k.secret()));
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(gw.gateway().keys().budgets().balance(k.key().id(), BudgetPeriod.DAY.bucket(Instant.now())))
                    .isEqualTo(new BudgetLedger.Balance(0, 0));
        }
    }

    @Test
    void a_streamed_request_is_charged_the_same_as_the_same_request_unstreamed() {
        GatewayConfig c = TestGateway.withTempDataDir(GatewayConfig.embeddedDefault());
        try (TestGateway gw = TestGateway.start(c)) {
            KeyStore.Created plain = gw.gateway().keys().store().create("plain", null, BigDecimal.ONE, BudgetPeriod.DAY);
            KeyStore.Created streamed = gw.gateway().keys().store().create("streamed", null, BigDecimal.ONE, BudgetPeriod.DAY);
            var b = (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(body(7));
            assertThat(gw.post("/chat/completions", Json.write(b), Map.of("Authorization", "Bearer " + plain.secret())).statusCode())
                    .isEqualTo(200);
            b.put("stream", true);
            HttpResponse<String> s = gw.post("/chat/completions", Json.write(b), Map.of("Authorization", "Bearer " + streamed.secret()));
            assertThat(s.statusCode()).isEqualTo(200);
            assertThat(s.body()).contains("data: [DONE]");
            String period = BudgetPeriod.DAY.bucket(Instant.now());
            BudgetLedger.Balance p = gw.gateway().keys().budgets().balance(plain.key().id(), period);
            BudgetLedger.Balance q = gw.gateway().keys().budgets().balance(streamed.key().id(), period);
            assertThat(p.spentNanos()).isPositive();
            assertThat(q).isEqualTo(p);
        }
    }
}
