package dev.tokenwise.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.StreamAssembler;
import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CacheEndToEndTest {
    private static GatewayConfig exactCache() {
        return GatewayConfig.embeddedDefault().withCache(CacheConfig.exactOnly());
    }

    private static List<JsonNode> events(HttpResponse<String> r) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) out.add(Json.parse(line.substring(6)));
        }
        return out;
    }

    private static ChatResponse assemble(List<JsonNode> chunks) {
        StreamAssembler a = new StreamAssembler();
        chunks.forEach(a::accept);
        return a.toResponse();
    }

    @Test
    void a_repeated_request_is_a_hit_with_the_same_answer_and_a_fresh_id() {
        try (TestGateway gw = TestGateway.start(exactCache())) {
            String body = TestGateway.chat("gpt-4o", "What are your opening hours?", false);
            HttpResponse<String> first = gw.post("/chat/completions", body);
            HttpResponse<String> second = gw.post("/chat/completions", body);
            assertThat(first.headers().firstValue("x-tokenwise-cache")).hasValue("miss");
            assertThat(second.headers().firstValue("x-tokenwise-cache")).hasValue("hit-exact");
            JsonNode a = TestGateway.json(first);
            JsonNode b = TestGateway.json(second);
            assertThat(b.at("/choices/0/message/content")).isEqualTo(a.at("/choices/0/message/content"));
            assertThat(b.path("id").asText()).isNotEqualTo(a.path("id").asText());
        }
    }

    @Test
    void a_streaming_cache_hit_is_replayed_as_sse() {
        try (TestGateway gw = TestGateway.start(exactCache())) {
            String plain = TestGateway.chat("gpt-4o", "Summarise product 42 for the catalogue.", false);
            String streamed = TestGateway.chat("gpt-4o", "Summarise product 42 for the catalogue.", true);
            JsonNode original = TestGateway.json(gw.post("/chat/completions", plain));
            HttpResponse<String> hit = gw.post("/chat/completions", streamed);
            assertThat(hit.headers().firstValue("x-tokenwise-cache")).hasValue("hit-exact");
            assertThat(hit.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
            assertThat(hit.body()).endsWith("data: [DONE]\n\n");
            List<JsonNode> chunks = events(hit);
            assertThat(chunks.size()).isGreaterThan(3);
            assertThat(chunks).allSatisfy(c -> assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk"));
            assertThat(assemble(chunks).text()).isEqualTo(original.at("/choices/0/message/content").asText());
        }
    }

    @Test
    void a_streamed_answer_is_stored_once_complete_and_served_to_a_later_request() {
        try (TestGateway gw = TestGateway.start(exactCache())) {
            String streamed = TestGateway.chat("gpt-4o-mini", "How do I reset my password?", true);
            HttpResponse<String> miss = gw.post("/chat/completions", streamed);
            assertThat(miss.headers().firstValue("x-tokenwise-cache")).hasValue("miss");
            String missText = assemble(events(miss)).text();
            HttpResponse<String> hit = gw.post("/chat/completions", TestGateway.chat("gpt-4o-mini", "How do I reset my password?", false));
            assertThat(hit.headers().firstValue("x-tokenwise-cache")).hasValue("hit-exact");
            assertThat(TestGateway.json(hit).at("/choices/0/message/content").asText()).isEqualTo(missText);
        }
    }

    @Test
    void the_bypass_headers_skip_the_cache_over_http() {
        try (TestGateway gw = TestGateway.start(exactCache())) {
            String body = TestGateway.chat("gpt-4o", "What is the refund policy?", false);
            gw.post("/chat/completions", body);
            assertThat(gw.post("/chat/completions", body, Map.of("Cache-Control", "no-store"))
                    .headers().firstValue("x-tokenwise-cache")).hasValue("bypass");
            assertThat(gw.post("/chat/completions", body, Map.of("x-tokenwise-cache", "off"))
                    .headers().firstValue("x-tokenwise-cache")).hasValue("bypass");
        }
    }

    @Test
    void an_entry_expires_after_the_route_ttl_on_the_gateway_clock() {
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        CacheConfig cfg = new CacheConfig(true, null, 60, null, null, null, null, null, null, null, null, null, null);
        Gateway.Builder b = Gateway.builder(TestGateway.withTempDataDir(GatewayConfig.embeddedDefault().withCache(cfg)))
                .port(0).nanoTime(nanos::get);
        try (TestGateway gw = TestGateway.start(b)) {
            String body = TestGateway.chat("gpt-4o", "Where is my order?", false);
            gw.post("/chat/completions", body);
            nanos.addAndGet(Duration.ofSeconds(59).toNanos());
            assertThat(gw.post("/chat/completions", body).headers().firstValue("x-tokenwise-cache")).hasValue("hit-exact");
            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
            assertThat(gw.post("/chat/completions", body).headers().firstValue("x-tokenwise-cache")).hasValue("miss");
        }
    }

    @Test
    void without_a_cache_section_nothing_is_cached() {
        try (TestGateway gw = TestGateway.embedded()) {
            String body = TestGateway.chat("gpt-4o", "What are your opening hours?", false);
            gw.post("/chat/completions", body);
            assertThat(gw.post("/chat/completions", body).headers().firstValue("x-tokenwise-cache").orElse("miss")).isEqualTo("miss");
        }
    }
}
