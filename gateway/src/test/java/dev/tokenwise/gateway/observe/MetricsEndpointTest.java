package dev.tokenwise.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ObservabilityConfig;
import dev.tokenwise.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    private static Usage streamedUsage(String sseBody) {
        String[] blocks = sseBody.split("\n\n");
        JsonNode last = Json.parse(blocks[blocks.length - 2].substring(6));
        return Usage.fromOpenAi(last.path("usage"));
    }

    @Test
    void metrics_scrape_in_prometheus_text_format_and_count_exactly_the_traffic_sent() {
        try (TestGateway gw = TestGateway.embedded()) {
            PriceCatalog prices = gw.gateway().prices();
            long in4o = 0, out4o = 0, outMini = 0;
            double cost4o = 0;
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "question number " + i, false),
                        java.util.Map.of("x-tokenwise-feature", "support"));
                assertThat(r.statusCode()).isEqualTo(200);
                Usage u = Usage.fromOpenAi(TestGateway.json(r).path("usage"));
                in4o += u.promptTokens();
                out4o += u.completionTokens();
                cost4o += prices.cost("gpt-4o", u).doubleValue();
            }
            for (int i = 0; i < 2; i++) {
                ObjectNode b = (ObjectNode) Json.parse(TestGateway.chat("gpt-4o-mini", "streamed question " + i, true));
                b.putObject("stream_options").put("include_usage", true);
                HttpResponse<String> r = gw.post("/chat/completions", Json.write(b));
                assertThat(r.statusCode()).isEqualTo(200);
                outMini += streamedUsage(r.body()).completionTokens();
            }
            assertThat(gw.post("/chat/completions", TestGateway.chat("no-such-model", "hi", false)).statusCode()).isEqualTo(404);

            HttpResponse<String> scrape = gw.getRoot("/metrics");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
            PrometheusText m = PrometheusText.parse(scrape.body());

            assertThat(m.type("tokenwise_requests_total")).isEqualTo("counter");
            assertThat(m.sum("tokenwise_requests_total")).isEqualTo(6);
            assertThat(m.sum("tokenwise_requests_total", "model", "gpt-4o", "status", "200", "stream", "false")).isEqualTo(3);
            assertThat(m.sum("tokenwise_requests_total", "model", "gpt-4o-mini", "status", "200", "stream", "true")).isEqualTo(2);
            assertThat(m.sum("tokenwise_requests_total", "model", "no-such-model", "status", "404")).isEqualTo(1);
            assertThat(m.sum("tokenwise_errors_total", "type", "invalid_request_error", "code", "model_not_found")).isEqualTo(1);

            assertThat(m.sum("tokenwise_tokens_total", "kind", "input", "model", "gpt-4o")).isEqualTo(in4o);
            assertThat(m.sum("tokenwise_tokens_total", "kind", "output", "model", "gpt-4o")).isEqualTo(out4o);
            assertThat(m.sum("tokenwise_tokens_total", "kind", "output", "model", "gpt-4o-mini")).isEqualTo(outMini);
            assertThat(m.sum("tokenwise_tokens_total", "kind", "cached")).isZero();
            assertThat(m.sum("tokenwise_cost_usd_total", "model", "gpt-4o")).isCloseTo(cost4o, within(1e-9));
            // nothing optimised yet: the baseline is what was spent, and nothing was saved
            assertThat(m.sum("tokenwise_baseline_usd_total", "model", "gpt-4o")).isCloseTo(cost4o, within(1e-9));
            assertThat(m.sum("tokenwise_saved_usd_total", "strategy", "none")).isCloseTo(0, within(1e-12));

            assertThat(m.sum("tokenwise_cache_misses_total")).isEqualTo(5);
            assertThat(m.sum("tokenwise_routing_decisions_total", "requested", "gpt-4o", "served", "gpt-4o")).isEqualTo(3);
            assertThat(m.sum("tokenwise_upstream_latency_seconds_count")).isEqualTo(5);
            assertThat(m.type("tokenwise_upstream_latency_seconds")).isEqualTo("histogram");
            assertThat(m.sum("tokenwise_upstream_latency_seconds_bucket", "model", "gpt-4o", "le", "+Inf")).isEqualTo(3);
            assertThat(m.sum("tokenwise_ttft_seconds_count", "model", "gpt-4o-mini")).isEqualTo(2);
            assertThat(m.sum("tokenwise_ttft_seconds_count", "model", "gpt-4o")).as("no TTFT for non-streamed requests").isZero();
            assertThat(m.sum("tokenwise_request_latency_seconds_count")).isEqualTo(6);
        }
    }

    @Test
    void metrics_disabled_in_config_means_no_metrics_endpoint() {
        GatewayConfig c = GatewayConfig.embeddedDefault().withObservability(new ObservabilityConfig(false, false, null, null));
        try (TestGateway gw = TestGateway.start(c)) {
            assertThat(gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hi", false)).statusCode()).isEqualTo(200);
            HttpResponse<String> r = gw.getRoot("/metrics");
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(TestGateway.json(r).path("error").path("message").asText()).contains("observability.metrics");
        }
    }
}
