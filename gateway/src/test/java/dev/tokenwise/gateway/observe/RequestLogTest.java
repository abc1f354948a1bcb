package dev.tokenwise.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.pipeline.ChunkSink;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Pipeline;
import dev.tokenwise.gateway.pipeline.Principal;
import dev.tokenwise.gateway.provider.ModelRegistry;
import dev.tokenwise.gateway.provider.mock.MockProvider;
import dev.tokenwise.gateway.stage.MetricsStage;
import dev.tokenwise.gateway.stage.ProviderStage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestLogTest {
    static final String SECRET_KEY = "tw-live-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    static final String PROMPT = "Please summarise the confidential merger memo for ACME Corp";

    final List<String> lines = new ArrayList<>();
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final ModelRegistry registry = new ModelRegistry(GatewayConfig.embeddedDefault().models(),
            Map.of("mock", new MockProvider(InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z")))));

    @AfterEach
    void close() { registry.close(); }

    Pipeline pipeline(boolean logPrompts) {
        return new Pipeline(List.of(
                new MetricsStage(GatewayMetrics.NOOP, RequestLog.to(lines::add, logPrompts), PriceCatalog.bundled(),
                        () -> nanos.addAndGet(7_000_000)),
                new ProviderStage(registry, nanos::get)));
    }

    Exchange exchange(String model, boolean stream, ChunkSink sink) {
        ObjectNode body = (ObjectNode) Json.parse("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}");
        if (stream) body.put("stream", true);
        ChatRequest r = ChatRequest.parse(Json.write(body).getBytes(StandardCharsets.UTF_8));
        Map<String, String> headers = Map.of("Authorization", "Bearer " + SECRET_KEY, "x-api-key", SECRET_KEY,
                "x-tokenwise-feature", "memo-summary");
        return Exchange.create("req_1", Instant.parse("2026-01-01T00:00:00Z"), nanos.get(), r, headers, sink)
                .withPrincipal(new Principal("key_42", "finance-bot", "acme"));
    }

    @Test
    void a_request_log_line_is_one_json_object_without_the_api_key_or_the_prompt() {
        pipeline(false).execute(exchange("gpt-4o", false, null));
        assertThat(lines).hasSize(1);
        String line = lines.get(0);
        assertThat(line).doesNotContain("\n").doesNotContain(SECRET_KEY).doesNotContain("9f8e7d6c")
                .doesNotContain("confidential").doesNotContain("ACME Corp");
        JsonNode n = Json.parse(line);
        assertThat(n.path("id").asText()).isEqualTo("req_1");
        assertThat(n.path("key_id").asText()).isEqualTo("key_42");
        assertThat(n.path("tenant").asText()).isEqualTo("acme");
        assertThat(n.path("feature").asText()).isEqualTo("memo-summary");
        assertThat(n.path("requested_model").asText()).isEqualTo("gpt-4o");
        assertThat(n.path("served_model").asText()).isEqualTo("gpt-4o");
        assertThat(n.path("status").asInt()).isEqualTo(200);
        assertThat(n.path("input_tokens").asLong()).isPositive();
        assertThat(n.path("output_tokens").asLong()).isPositive();
        assertThat(n.path("cost_usd").decimalValue()).isPositive();
        assertThat(n.path("ttft_ms").asDouble()).isEqualTo(-1);
        assertThat(n.has("messages")).isFalse();
    }

    @Test
    void log_prompts_adds_the_messages_but_still_never_the_key() {
        pipeline(true).execute(exchange("gpt-4o", false, null));
        String line = lines.get(0);
        assertThat(line).contains("confidential merger memo").doesNotContain(SECRET_KEY);
        assertThat(Json.parse(line).path("messages").path(0).path("content").asText()).isEqualTo(PROMPT);
    }

    @Test
    void a_streamed_request_logs_its_time_to_first_token() {
        List<ObjectNode> chunks = new ArrayList<>();
        ChunkSink sink = new ChunkSink() {
            @Override public void send(ObjectNode chunk) { chunks.add(chunk); }
            @Override public boolean cancelled() { return false; }
            @Override public boolean started() { return !chunks.isEmpty(); }
        };
        pipeline(false).execute(exchange("gpt-4o-mini", true, sink));
        JsonNode n = Json.parse(lines.get(0));
        assertThat(chunks).isNotEmpty();
        assertThat(n.path("stream").asBoolean()).isTrue();
        assertThat(n.path("ttft_ms").asDouble()).isPositive();
        assertThat(n.path("latency_ms").asDouble()).isGreaterThanOrEqualTo(n.path("ttft_ms").asDouble());
        assertThat(lines.get(0)).doesNotContain("confidential");
    }

    @Test
    void a_failed_request_is_logged_with_its_error_and_the_failure_still_reaches_the_client() {
        assertThatThrownBy(() -> pipeline(false).execute(exchange("no-such-model", false, null)))
                .isInstanceOf(GatewayException.class);
        JsonNode n = Json.parse(lines.get(0));
        assertThat(n.path("status").asInt()).isEqualTo(404);
        assertThat(n.path("error_code").asText()).isEqualTo("model_not_found");
        assertThat(lines.get(0)).doesNotContain(SECRET_KEY).doesNotContain("confidential");
    }

    @Test
    void a_client_that_leaves_mid_stream_is_logged_as_499_not_as_a_server_error() {
        ChunkSink gone = new ChunkSink() {
            @Override public void send(ObjectNode chunk) { throw new dev.tokenwise.gateway.server.ClientGoneException(new java.io.IOException("broken pipe")); }
            @Override public boolean cancelled() { return false; }
            @Override public boolean started() { return false; }
        };
        assertThatThrownBy(() -> pipeline(false).execute(exchange("gpt-4o", true, gone)))
                .isInstanceOf(dev.tokenwise.gateway.server.ClientGoneException.class);
        JsonNode n = Json.parse(lines.get(0));
        assertThat(n.path("status").asInt()).isEqualTo(499);
        assertThat(n.path("error_type").asText()).isEqualTo("client_closed");
    }
}
