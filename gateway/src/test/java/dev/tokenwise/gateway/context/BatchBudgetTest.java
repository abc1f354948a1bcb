package dev.tokenwise.gateway.context;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.keys.BudgetGuard;
import dev.tokenwise.gateway.keys.BudgetLedger;
import dev.tokenwise.gateway.keys.BudgetPeriod;
import dev.tokenwise.gateway.keys.KeyStore;
import dev.tokenwise.gateway.testing.PostgresServer;
import dev.tokenwise.gateway.testing.TestGateway;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Batch jobs follow the submitting key's budget: each request is reserved at submission (at the
 * batch price) by the chat path's rules, a request that does not fit fails with the chat path's
 * budget error in the results, and every reservation is settled with the actual cost.
 */
class BatchBudgetTest {
    private static final String PROMPT = "Summarise the reviews of product 42 in one line";
    private static final int MAX_TOKENS = 150;

    static GatewayConfig config() {
        GatewayConfig base = GatewayConfig.embeddedDefault();
        Map<String, ModelConfig> models = new LinkedHashMap<>(base.models());
        models.put("slow-mock", ModelConfig.mock("small", new ModelConfig.MockConfig(1500, 0, 10)));
        return new GatewayConfig(base.server(), models).withContext(StageHarness.config(""));
    }

    static String batch(String model, int n) {
        StringBuilder b = new StringBuilder("{\"requests\":[");
        for (int i = 1; i <= n; i++) {
            if (i > 1) b.append(',');
            b.append("{\"custom_id\":\"r").append(i).append("\",\"body\":{\"model\":\"").append(model)
                    .append("\",\"max_tokens\":").append(MAX_TOKENS)
                    .append(",\"messages\":[{\"role\":\"user\",\"content\":\"").append(PROMPT).append("\"}]}}");
        }
        return b.append("]}").toString();
    }

    /** What the gateway reserves for one request of {@link #batch} at the mock's 50% batch price. */
    static long reservation(Gateway gw, String model) {
        BudgetGuard guard = new BudgetGuard(gw.keys().store(), gw.keys().budgets(), gw.prices(), InstantSource.system(),
                gw.config().keys(), gw.config().models().keySet());
        ChatRequest r = ChatRequest.parse(("{\"model\":\"" + model + "\",\"max_tokens\":" + MAX_TOKENS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}").getBytes(StandardCharsets.UTF_8));
        return BudgetGuard.toNanos(guard.worstCase(r).multiply(new BigDecimal("0.5")));
    }

    static BigDecimal usd(long nanos) {
        return BigDecimal.valueOf(nanos).movePointLeft(9);
    }

    static JsonNode waitDone(TestGateway gw, String id, Map<String, String> auth) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            JsonNode s = TestGateway.json(gw.get("/tokenwise/batches/" + id, auth));
            if (!s.path("status").asText().equals("in_progress")) return s;
            Thread.sleep(50);
        }
        throw new AssertionError("batch " + id + " did not finish");
    }

    /** The actual cost of the succeeded results, as the gateway prices them (50% batch discount). */
    static long actualNanos(Gateway gw, JsonNode results) {
        long sum = 0;
        for (JsonNode r : results.path("data")) {
            if (!r.path("status").asText().equals("succeeded")) continue;
            Usage u = Usage.fromOpenAi(r.path("response").path("usage"));
            sum += BudgetGuard.toNanos(gw.prices().cost(r.at("/response/model").asText(), u, 0.5));
        }
        return sum;
    }

    @Test
    void a_batch_larger_than_the_budget_runs_what_fits_and_fails_the_rest_with_the_budget_error() throws Exception {
        try (TestGateway gw = TestGateway.start(config())) {
            long each = reservation(gw.gateway(), "gpt-4o");
            // room for three reservations, not four
            BigDecimal budget = usd(each * 7 / 2);
            KeyStore.Created k = gw.gateway().keys().store().create("nightly", "acme", budget, BudgetPeriod.DAY);
            Map<String, String> auth = Map.of("Authorization", "Bearer " + k.secret());

            HttpResponse<String> submitted = gw.post("/tokenwise/batches", batch("gpt-4o", 10), auth);
            assertThat(submitted.statusCode()).isEqualTo(200);
            String id = TestGateway.json(submitted).path("id").asText();
            JsonNode done = waitDone(gw, id, auth);
            assertThat(done.path("status").asText()).isEqualTo("completed");
            assertThat(done.at("/request_counts/completed").asInt()).isEqualTo(3);
            assertThat(done.at("/request_counts/failed").asInt()).isEqualTo(7);
            assertThat(done.at("/request_counts/budget_exceeded").asInt()).isEqualTo(7);

            JsonNode results = TestGateway.json(gw.get("/tokenwise/batches/" + id + "/results", auth));
            assertThat(results.path("data")).hasSize(10);
            for (int i = 0; i < 10; i++) {
                JsonNode r = results.path("data").get(i);
                assertThat(r.path("custom_id").asText()).isEqualTo("r" + (i + 1));
                if (i < 3) {
                    assertThat(r.path("status").asText()).isEqualTo("succeeded");
                } else {
                    assertThat(r.path("status").asText()).isEqualTo("failed");
                    assertThat(r.at("/error/code").asText()).isEqualTo("budget_exceeded");
                    assertThat(r.at("/error/type").asText()).isEqualTo("rate_limit_error");
                    assertThat(r.at("/error/message").asText()).startsWith("Budget exceeded for key 'nightly'");
                }
            }

            // reservations settled with the actual (discounted) cost: nothing held, never over budget
            BudgetLedger.Balance b = gw.gateway().keys().budgets().balance(k.key().id(), BudgetPeriod.DAY.bucket(Instant.now()));
            assertThat(b.reservedNanos()).isZero();
            assertThat(b.spentNanos()).isEqualTo(actualNanos(gw.gateway(), results)).isPositive()
                    .isLessThanOrEqualTo(BudgetGuard.toNanos(budget));
        }
    }

    @Test
    void a_running_batch_holds_its_reservations_so_a_chat_request_cannot_spend_them() throws Exception {
        try (TestGateway gw = TestGateway.start(config())) {
            long each = reservation(gw.gateway(), "slow-mock");
            BigDecimal budget = usd(each * 2 + each / 10);
            KeyStore.Created k = gw.gateway().keys().store().create("mixed", "acme", budget, BudgetPeriod.DAY);
            Map<String, String> auth = Map.of("Authorization", "Bearer " + k.secret());
            String period = BudgetPeriod.DAY.bucket(Instant.now());

            String id = TestGateway.json(gw.post("/tokenwise/batches", batch("slow-mock", 2), auth)).path("id").asText();
            assertThat(gw.gateway().keys().budgets().balance(k.key().id(), period).reservedNanos()).isEqualTo(2 * each);
            // what is left cannot cover a chat request while the batch runs...
            HttpResponse<String> chat = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hello", false)
                    .replaceFirst("\\{", "{\"max_tokens\":" + MAX_TOKENS + ","), auth);
            assertThat(chat.statusCode()).isEqualTo(429);
            assertThat(TestGateway.json(chat).at("/error/code").asText()).isEqualTo("budget_exceeded");

            // ...and once it finished, the unused part of the reservations is free again
            assertThat(waitDone(gw, id, auth).path("status").asText()).isEqualTo("completed");
            BudgetLedger.Balance after = gw.gateway().keys().budgets().balance(k.key().id(), period);
            assertThat(after.reservedNanos()).isZero();
            // slow-mock has no price: reserved at the most expensive configured model's, charged at $0
            assertThat(after.spentNanos()).isZero();
            assertThat(gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hello", false)
                    .replaceFirst("\\{", "{\"max_tokens\":" + MAX_TOKENS + ","), auth).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void two_gateways_sharing_postgresql_never_overspend_a_budget_with_concurrent_batches() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            GatewayConfig base = config();
            GatewayConfig a0 = TestGateway.replica(base, pg.jdbcUrl());
            GatewayConfig b0 = TestGateway.replica(base, pg.jdbcUrl());
            try (TestGateway a = TestGateway.start(Gateway.builder(a0).port(0));
                 TestGateway b = TestGateway.start(Gateway.builder(b0).port(0))) {
                long each = reservation(a.gateway(), "gpt-4o");
                BigDecimal budget = usd(each * 9 / 2);
                KeyStore.Created k = a.gateway().keys().store().create("shared", "acme", budget, BudgetPeriod.DAY);
                Map<String, String> auth = Map.of("Authorization", "Bearer " + k.secret());

                List<TestGateway> via = List.of(a, b, a, b);
                List<CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>();
                for (TestGateway gw : via) {
                    posts.add(CompletableFuture.supplyAsync(() -> gw.post("/tokenwise/batches", batch("gpt-4o", 10), auth)));
                }
                int succeeded = 0;
                int refused = 0;
                long actual = 0;
                for (int i = 0; i < posts.size(); i++) {
                    TestGateway gw = via.get(i);
                    String id = TestGateway.json(posts.get(i).get()).path("id").asText();
                    waitDone(gw, id, auth);
                    JsonNode results = TestGateway.json(gw.get("/tokenwise/batches/" + id + "/results", auth));
                    for (JsonNode r : results.path("data")) {
                        if (r.path("status").asText().equals("succeeded")) {
                            succeeded++;
                        } else {
                            assertThat(r.at("/error/code").asText()).isEqualTo("budget_exceeded");
                            refused++;
                        }
                    }
                    actual += actualNanos(gw.gateway(), results);
                }
                // 40 requests through two replicas at once: at least the four worst cases that fit
                // ran (more once settled jobs freed the unused part of their reservations), and the
                // rest were refused rather than run over budget
                assertThat(succeeded).isGreaterThanOrEqualTo(4);
                assertThat(refused).isPositive();
                BudgetLedger.Balance bal = b.gateway().keys().budgets().balance(k.key().id(), BudgetPeriod.DAY.bucket(Instant.now()));
                assertThat(bal.reservedNanos()).isZero();
                assertThat(bal.spentNanos()).isEqualTo(actual).isLessThanOrEqualTo(BudgetGuard.toNanos(budget));
            }
        }
    }

    @Test
    void a_batch_request_without_max_tokens_is_capped_at_the_default_like_a_chat_request() throws Exception {
        try (TestGateway gw = TestGateway.start(config())) {
            // 4096 output tokens of gpt-4o at half price cost $0.02048: $0.015 cannot cover that worst case
            KeyStore.Created small = gw.gateway().keys().store().create("small", "acme", new BigDecimal("0.015"), BudgetPeriod.DAY);
            String body = "{\"requests\":[{\"custom_id\":\"a\",\"body\":{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}]}";
            Map<String, String> auth = Map.of("Authorization", "Bearer " + small.secret());
            JsonNode job = TestGateway.json(gw.post("/tokenwise/batches", body, auth));
            assertThat(waitDone(gw, job.path("id").asText(), auth).path("status").asText()).isEqualTo("failed");
            JsonNode r = TestGateway.json(gw.get("/tokenwise/batches/" + job.path("id").asText() + "/results", auth));
            assertThat(r.at("/data/0/error/code").asText()).isEqualTo("budget_exceeded");

            KeyStore.Created big = gw.gateway().keys().store().create("big", "acme", new BigDecimal("0.025"), BudgetPeriod.DAY);
            Map<String, String> bigAuth = Map.of("Authorization", "Bearer " + big.secret());
            JsonNode ok = TestGateway.json(gw.post("/tokenwise/batches", body, bigAuth));
            assertThat(waitDone(gw, ok.path("id").asText(), bigAuth).path("status").asText()).isEqualTo("completed");
        }
    }
}
