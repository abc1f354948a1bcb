package dev.tokenwise.gateway.provider.mock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.config.ModelConfig.TimeoutConfig;
import dev.tokenwise.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mock upstream's fault modes, as seen directly and through a gateway proxying to it. */
class MockFaultsTest {
    static TestGateway mockUpstream(String fault) {
        return TestGateway.start(GatewayConfig.mockUpstream(new ModelConfig.MockConfig(0, 0, 20, fault)));
    }

    static TestGateway proxyTo(TestGateway upstream) {
        Map<String, ModelConfig> m = new LinkedHashMap<>();
        m.put("*", new ModelConfig("openai", null, upstream.baseUrl(), null, null, null, new TimeoutConfig(1000, 800, 800), null));
        return TestGateway.start(Gateway.builder(TestGateway.withTempDataDir(new GatewayConfig(null, m).withResilience(dev.tokenwise.gateway.config.ResilienceConfig.off()))).port(0));
    }

    @Test
    void rate_limit_fault_is_a_429_with_retry_after_passed_through_a_gateway() {
        try (TestGateway up = mockUpstream("rate-limit"); TestGateway gw = proxyTo(up)) {
            HttpResponse<String> direct = up.post("/chat/completions", TestGateway.chat("any", "hi", false));
            assertThat(direct.statusCode()).isEqualTo(429);
            assertThat(direct.headers().firstValue("retry-after")).contains("1");
            HttpResponse<String> via = gw.post("/chat/completions", TestGateway.chat("any", "hi", false));
            assertThat(via.statusCode()).isEqualTo(429);
            assertThat(via.headers().firstValue("retry-after")).contains("1");
        }
    }

    @Test
    void error_fault_is_a_500_upstream_and_a_502_through_a_gateway() {
        try (TestGateway up = mockUpstream("error"); TestGateway gw = proxyTo(up)) {
            assertThat(up.post("/chat/completions", TestGateway.chat("any", "hi", false)).statusCode()).isEqualTo(500);
            assertThat(gw.post("/chat/completions", TestGateway.chat("any", "hi", false)).statusCode()).isEqualTo(502);
        }
    }

    @Test
    void hang_fault_is_a_504_through_a_gateway() {
        try (TestGateway up = mockUpstream("hang"); TestGateway gw = proxyTo(up)) {
            HttpResponse<String> via = gw.post("/chat/completions", TestGateway.chat("any", "hi", true));
            assertThat(via.statusCode()).isEqualTo(504);
        }
    }

    @Test
    void truncate_fault_ends_a_stream_without_done_and_a_gateway_turns_it_into_an_error_event() {
        try (TestGateway up = mockUpstream("truncate"); TestGateway gw = proxyTo(up)) {
            HttpResponse<String> direct = up.post("/chat/completions", TestGateway.chat("any", "hi", true));
            assertThat(direct.body()).isNotEmpty().doesNotContain("[DONE]").doesNotContain("finish_reason\":\"");
            HttpResponse<String> via = gw.post("/chat/completions", TestGateway.chat("any", "hi", true));
            String[] events = via.body().split("\n\n");
            String last = events[events.length - 1];
            assertThat(Json.parse(last.substring(last.indexOf("data: ") + 6)).path("error").path("type").asText()).isEqualTo("upstream_error");
        }
    }
}
