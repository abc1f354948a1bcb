package dev.tokenwise.gateway.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.config.ModelConfig.TimeoutConfig;
import dev.tokenwise.gateway.pipeline.ChunkSink;
import dev.tokenwise.gateway.provider.http.UpstreamHttp;
import dev.tokenwise.gateway.testing.FakeUpstream;
import dev.tokenwise.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiProviderTest {
    FakeUpstream fake;
    TestGateway gw;

    @BeforeEach
    void start() {
        fake = FakeUpstream.start();
        ModelConfig m = new ModelConfig("openai", "gpt-4o-2024-08-06", fake.baseUrl(), "FAKE_KEY", "large", null,
                new TimeoutConfig(1000, 700, 700), null);
        GatewayConfig cfg = new GatewayConfig(null, Map.of("gpt-4o", m)).withResilience(dev.tokenwise.gateway.config.ResilienceConfig.off());
        gw = TestGateway.start(Gateway.builder(TestGateway.withTempDataDir(cfg)).port(0)
                .env(Map.of("FAKE_KEY", "sk-test-123")::get));
    }

    @AfterEach
    void stop() {
        gw.close();
        fake.close();
    }

    static List<String> events(String sse) {
        List<String> out = new ArrayList<>();
        for (String block : sse.split("\n\n")) if (!block.isBlank()) out.add(block);
        return out;
    }

    @Test
    void unknown_fields_pass_through_and_only_the_model_is_rewritten() {
        String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"name\":\"bob\"}],"
                + "\"temperature\":0.3,\"seed\":7,\"logit_bias\":{\"50256\":-100},\"x_vendor_extension\":{\"a\":[1,2.50]}}";
        HttpResponse<String> r = gw.post("/chat/completions", body);
        assertThat(r.statusCode()).isEqualTo(200);
        RecordedRequest req = fake.takeRequest();
        assertThat(req.getPath()).isEqualTo("/v1/chat/completions");
        assertThat(req.getHeader("Authorization")).isEqualTo("Bearer sk-test-123");
        ObjectNode expected = (ObjectNode) Json.parse(body);
        expected.put("model", "gpt-4o-2024-08-06");
        assertThat(Json.parse(req.getBody().readUtf8())).isEqualTo(expected);
    }

    @Test
    void the_upstream_answer_is_returned_as_it_came_with_cached_tokens() {
        HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hi", false));
        JsonNode body = TestGateway.json(r);
        assertThat(body).isEqualTo(Json.parse(Json.write(FakeUpstream.completion("gpt-4o-2024-08-06", FakeUpstream.ANSWER))));
        assertThat(body.path("usage").path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(1024);
    }

    @Test
    void a_stream_always_asks_upstream_for_usage_but_hides_it_from_a_client_that_did_not_ask() {
        HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hi", true));
        JsonNode sent = fake.takeRequestJson();
        assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
        List<String> ev = events(r.body());
        assertThat(ev.get(ev.size() - 1)).isEqualTo("data: [DONE]");
        StringBuilder text = new StringBuilder();
        for (String e : ev.subList(0, ev.size() - 1)) {
            JsonNode c = Json.parse(e.substring(6));
            assertThat(c.has("usage")).isFalse();
            assertThat(c.path("choices").isEmpty()).isFalse();
            text.append(c.path("choices").path(0).path("delta").path("content").asText(""));
        }
        assertThat(text.toString()).isEqualTo(FakeUpstream.ANSWER);
    }

    @Test
    void a_client_that_asks_for_usage_gets_the_upstream_usage_chunk() {
        ObjectNode b = (ObjectNode) Json.parse(TestGateway.chat("gpt-4o", "hi", true));
        b.putObject("stream_options").put("include_usage", true);
        List<String> ev = events(gw.post("/chat/completions", Json.write(b)).body());
        JsonNode last = Json.parse(ev.get(ev.size() - 2).substring(6));
        assertThat(last.path("usage").path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(1024);
    }

    @Test
    void upstream_429_passes_through_with_its_retry_after() {
        fake.rateLimited(7);
        HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hi", false));
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).contains("7");
        assertThat(TestGateway.json(r).path("error").path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(TestGateway.json(r).path("error").path("provider").asText()).isEqualTo("openai");
    }

    @Test
    void upstream_500_becomes_502_naming_the_provider() {
        fake.serverError();
        HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hi", false));
        assertThat(r.statusCode()).isEqualTo(502);
        JsonNode err = TestGateway.json(r).path("error");
        assertThat(err.path("provider").asText()).isEqualTo("openai");
        assertThat(err.path("message").asText()).contains("HTTP 500");
    }

    @Test
    void upstream_400_is_the_clients_mistake_and_keeps_status_and_message() {
        fake.status(400, "{\"error\":{\"message\":\"Invalid value for 'tool_choice'.\",\"type\":\"invalid_request_error\",\"param\":\"tool_choice\",\"code\":\"invalid_value\"}}");
        HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hi", false));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode err = TestGateway.json(r).path("error");
        assertThat(err.path("message").asText()).isEqualTo("Invalid value for 'tool_choice'.");
        assertThat(err.path("param").asText()).isEqualTo("tool_choice");
    }

    @Test
    void upstream_401_is_our_credentials_so_a_502() {
        fake.status(401, "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");
        HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hi", false));
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(TestGateway.json(r).path("error").path("message").asText()).contains("api_key_env");
    }

    @Test
    void a_hanging_upstream_is_a_504_within_the_configured_timeout() {
        fake.hang();
        long t0 = System.nanoTime();
        HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hi", false));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(TestGateway.json(r).path("error").path("code").asText()).isEqualTo("upstream_timeout");
        assertThat(ms).isBetween(600L, 5_000L);
    }

    @Test
    void a_hanging_stream_is_a_504_before_any_chunk() {
        fake.hang();
        HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hi", true));
        assertThat(r.statusCode()).isEqualTo(504);
    }

    @Test
    void a_stream_that_goes_silent_after_its_first_chunks_ends_with_an_error_event() {
        String body = FakeUpstream.sseBody("m", FakeUpstream.words(FakeUpstream.ANSWER), false);
        int firstEvent = body.indexOf("\n\n") + 2;
        // the first event arrives, then nothing for 5 s: longer than the 700 ms idle timeout
        fake.enqueue(new MockResponse().setHeader("Content-Type", "text/event-stream").setBody(body)
                .throttleBody(firstEvent, 5, java.util.concurrent.TimeUnit.SECONDS));
        HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hi", true));
        List<String> ev = events(r.body());
        String last = ev.get(ev.size() - 1);
        assertThat(last).doesNotContain("[DONE]");
        assertThat(Json.parse(last.substring(last.indexOf("data: ") + 6)).path("error").path("code").asText()).isEqualTo("upstream_timeout");
    }

    @Test
    void a_disconnect_mid_stream_ends_with_an_sse_error_event_not_done() {
        fake.disconnectMidStream();
        HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hi", true));
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> ev = events(r.body());
        assertThat(ev.size()).isGreaterThan(1);
        String last = ev.get(ev.size() - 1);
        assertThat(last).doesNotContain("[DONE]");
        JsonNode err = Json.parse(last.substring(last.indexOf("data: ") + 6)).path("error");
        assertThat(err.path("provider").asText()).isEqualTo("openai");
        assertThat(r.body()).doesNotContain("[DONE]");
        // once as OpenAI sends it, once as a named event for clients that only watch those
        assertThat(ev.get(ev.size() - 2)).startsWith("data: {\"error\":");
        assertThat(last).startsWith("event: error\ndata: {\"error\":");
    }

    @Test
    void a_stream_that_ends_without_finish_reason_or_done_is_an_error_not_a_clean_end() {
        fake.truncatedStream();
        HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hi", true));
        List<String> ev = events(r.body());
        String last = ev.get(ev.size() - 1);
        assertThat(last).isNotEqualTo("data: [DONE]");
        assertThat(Json.parse(last.substring(last.indexOf("data: ") + 6)).path("error").path("message").asText()).contains("before the answer was complete");
    }

    @Test
    void an_error_object_inside_a_stream_fails_the_stream_with_its_message() {
        String body = FakeUpstream.sseBody("m", FakeUpstream.words(FakeUpstream.ANSWER), false);
        String first = body.substring(0, body.indexOf("\n\n") + 2);
        fake.sse(first + "data: {\"object\":\"error\",\"message\":\"This model's maximum context length is 8192 tokens.\","
                + "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}\n\n");
        List<String> ev = events(gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hi", true)).body());
        String last = ev.get(ev.size() - 1);
        JsonNode err = Json.parse(last.substring(last.indexOf("data: ") + 6)).path("error");
        assertThat(err.path("message").asText()).contains("maximum context length");
        assertThat(ev).noneMatch(e -> e.equals("data: [DONE]"));
    }

    @Test
    void a_server_that_rejects_stream_options_is_asked_again_without_them() {
        fake.status(400, "{\"error\":{\"message\":\"Unrecognized request argument supplied: stream_options\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
        HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "hi", true));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
        assertThat(fake.takeRequestJson().has("stream_options")).isTrue();
        assertThat(fake.takeRequestJson().has("stream_options")).isFalse();
    }

    @Test
    void a_client_that_sent_stream_options_itself_gets_the_upstream_400() {
        fake.status(400, "{\"error\":{\"message\":\"Unrecognized request argument supplied: stream_options\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
        ObjectNode b = (ObjectNode) Json.parse(TestGateway.chat("gpt-4o", "hi", true));
        b.putObject("stream_options").put("include_usage", true);
        assertThat(gw.post("/chat/completions", Json.write(b)).statusCode()).isEqualTo(400);
        assertThat(fake.requestCount()).isEqualTo(1);
    }

    @Test
    void extra_headers_and_a_base_url_with_a_query_reach_the_upstream() {
        try (UpstreamHttp http = new UpstreamHttp(InstantSource.system())) {
            OpenAiProvider p = new OpenAiProvider(http, Map.of("AZURE_KEY", "az-123")::get);
            ModelConfig m = new ModelConfig("openai", null, fake.baseUrl() + "/deployments/gpt4o?api-version=2024-06-01",
                    null, null, null, null, null, Map.of("api-key", "${AZURE_KEY}"));
            p.complete(ChatRequest.parse(TestGateway.chat("gpt-4o", "hi", false).getBytes()), m);
            RecordedRequest r = fake.takeRequest();
            assertThat(r.getPath()).isEqualTo("/v1/deployments/gpt4o/chat/completions?api-version=2024-06-01");
            assertThat(r.getHeader("api-key")).isEqualTo("az-123");
            assertThat(r.getHeader("Authorization")).isNull();
        }
        assertThat(OpenAiProvider.chatUrl("http://h/v1/").toString()).isEqualTo("http://h/v1/chat/completions");
        assertThat(OpenAiProvider.chatUrl("http://h/v1/chat/completions").toString()).isEqualTo("http://h/v1/chat/completions");
    }

    @Test
    void an_unreachable_upstream_is_a_retryable_502() {
        ModelConfig m = ModelConfig.openai("x", "http://127.0.0.1:1/v1", null, null);
        try (UpstreamHttp http = new UpstreamHttp(InstantSource.system())) {
            OpenAiProvider p = new OpenAiProvider(http, k -> null);
            assertThatThrownBy(() -> p.complete(ChatRequest.parse(TestGateway.chat("x", "hi", false).getBytes()), m))
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.status()).isEqualTo(502);
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.provider()).isEqualTo("openai");
                    });
        }
    }

    @Test
    void the_adapter_reports_upstream_usage_with_cached_tokens_and_retry_after_millis() {
        try (UpstreamHttp http = new UpstreamHttp(InstantSource.system())) {
            OpenAiProvider p = new OpenAiProvider(http, k -> null);
            ModelConfig m = ModelConfig.openai("gpt-4o", fake.baseUrl(), null, null);
            ChatResponse r = p.complete(ChatRequest.parse(TestGateway.chat("gpt-4o", "hi", false).getBytes()), m);
            assertThat(r.usage()).isEqualTo(new Usage(1200, 1024, 0, 12, true));
            fake.rateLimited(3);
            assertThatThrownBy(() -> p.complete(ChatRequest.parse(TestGateway.chat("gpt-4o", "hi", false).getBytes()), m))
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.retryAfterMillis()).isEqualTo(3000);
                        assertThat(e.retryable()).isTrue();
                    });
        }
    }

    @Test
    void a_cancelled_client_stops_the_upstream_read_promptly() {
        fake.enqueue(new MockResponse().setHeader("Content-Type", "text/event-stream")
                .setBody(FakeUpstream.sseBody("m", FakeUpstream.words(FakeUpstream.ANSWER.repeat(20)), false))
                .throttleBody(64, 100, java.util.concurrent.TimeUnit.MILLISECONDS));
        try (UpstreamHttp http = new UpstreamHttp(InstantSource.system())) {
            OpenAiProvider p = new OpenAiProvider(http, k -> null);
            ModelConfig m = ModelConfig.openai("m", fake.baseUrl(), null, null);
            List<ObjectNode> got = new ArrayList<>();
            ChunkSink sink = new ChunkSink() {
                @Override public void send(ObjectNode chunk) { got.add(chunk); }
                @Override public boolean cancelled() { return got.size() >= 3; }
                @Override public boolean started() { return !got.isEmpty(); }
            };
            long t0 = System.nanoTime();
            p.stream(ChatRequest.parse(TestGateway.chat("m", "hi", true).getBytes()), m, sink);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(got).hasSize(3);
            // the whole throttled body would take over 10 s
            assertThat(ms).isLessThan(3_000);
        }
    }
}
