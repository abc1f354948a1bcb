package dev.tokenwise.gateway.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.keys.BudgetPeriod;
import dev.tokenwise.gateway.keys.KeyStore;
import dev.tokenwise.gateway.observe.PrometheusText;
import dev.tokenwise.gateway.testing.TestGateway;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Budgets from the key store on the dashboard, and budget rejections in the metrics. */
class BudgetPanelTest {
    static final String ADMIN_KEY = "adm-budget-31b7";

    @Test
    void keys_with_budgets_show_their_spend_and_rejections_are_counted() throws Exception {
        GatewayConfig c = TestGateway.withTempDataDir(GatewayConfig.embeddedDefault());
        try (TestGateway gw = TestGateway.start(Gateway.builder(c).port(0).env(Map.of("TOKENWISE_ADMIN_KEY", ADMIN_KEY)::get))) {
            KeyStore.Created small = gw.gateway().keys().store().create("checkout", "shop", new BigDecimal("0.004"), BudgetPeriod.DAY);
            gw.gateway().keys().store().create("batch-jobs", "shop", null, null);
            int ok = 0, rejected = 0;
            for (int i = 0; i < 12; i++) {
                // an output cap keeps the reservation (worst case) small enough for a few requests to fit
                var body = (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(TestGateway.chat("gpt-4o", "order status " + i, false));
                body.put("max_tokens", 100);
                HttpResponse<String> r = gw.post("/chat/completions", Json.write(body),
                        Map.of("Authorization", "Bearer " + small.secret()));
                if (r.statusCode() == 200) ok++;
                else if (r.statusCode() == 429) rejected++;
            }
            assertThat(ok).isPositive();
            assertThat(rejected).isPositive();
            gw.gateway().ledger().flush();

            String root = gw.baseUrl().substring(0, gw.baseUrl().length() - 3);
            HttpClient http = HttpClient.newHttpClient();
            JsonNode b = Json.parse(http.send(HttpRequest.newBuilder(URI.create(root + "/v1/tokenwise/budgets"))
                    .header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(b.path("configured").asBoolean()).isTrue();
            assertThat(b.path("budgets")).hasSize(2);
            JsonNode checkout = b.path("budgets").path(0);
            assertThat(checkout.path("key_name").asText()).isEqualTo("checkout");
            assertThat(checkout.path("period").asText()).isEqualTo("day");
            assertThat(checkout.path("limit_usd").decimalValue()).isEqualByComparingTo("0.004");
            assertThat(checkout.path("spent_usd").decimalValue()).isPositive().isLessThanOrEqualTo(new BigDecimal("0.004"));
            assertThat(checkout.path("used_ratio").asDouble()).isBetween(0.5, 1.0);
            assertThat(checkout.path("projected_usd").decimalValue()).isGreaterThanOrEqualTo(checkout.path("spent_usd").decimalValue());
            JsonNode unlimited = b.path("budgets").path(1);
            assertThat(unlimited.path("key_name").asText()).isEqualTo("batch-jobs");
            assertThat(unlimited.path("limit_usd").isNull()).isTrue();

            // the key's spend on the dashboard is what the ledger has for that key
            JsonNode keysBreakdown = Json.parse(http.send(HttpRequest.newBuilder(URI.create(root + "/v1/tokenwise/breakdown?by=key"))
                    .header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(keysBreakdown.path("groups").path(0).path("key").asText()).isEqualTo(small.key().id());
            assertThat(keysBreakdown.path("groups").path(0).path("requests").asLong()).isEqualTo(ok + rejected);

            PrometheusText m = PrometheusText.parse(http.send(HttpRequest.newBuilder(URI.create(root + "/metrics"))
                    .header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(m.sum("tokenwise_budget_rejections_total", "tenant", "shop")).isEqualTo(rejected);
            assertThat(m.sum("tokenwise_errors_total", "code", "budget_exceeded")).isEqualTo(rejected);
            assertThat(m.sum("tokenwise_requests_total", "status", "200")).isEqualTo(ok);
        }
    }
}
