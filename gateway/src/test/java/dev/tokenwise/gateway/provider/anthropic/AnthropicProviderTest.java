package dev.tokenwise.gateway.provider.anthropic;

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
import dev.tokenwise.gateway.pipeline.ChunkSink;
import dev.tokenwise.gateway.provider.http.UpstreamHttp;
import dev.tokenwise.gateway.testing.FakeUpstream;
import dev.tokenwise.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AnthropicProviderTest {
    static final String MESSAGE = """
            {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-3-5-sonnet-20241022",
             "content":[{"type":"text","text":"Let me check the weather."},
                        {"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather","input":{"location":"Paris","unit":"c"}}],
             "stop_reason":"tool_use","stop_sequence":null,
             "usage":{"input_tokens":50,"cache_creation_input_tokens":1000,"cache_read_input_tokens":2000,"output_tokens":30}}""";

    /** An event stream as the Messages API sends it: text, then a tool call with partial JSON. */
    static final String EVENTS = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-3-5-sonnet-20241022","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":472,"cache_creation_input_tokens":0,"cache_read_input_tokens":1800,"output_tokens":2}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: ping
            data: {"type": "ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Okay, let"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"'s check."}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"location\\": \\"San Fra"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ncisco, CA\\"}"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":1}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}

            event: message_stop
            data: {"type":"message_stop"}

            """;

    FakeUpstream fake;
    UpstreamHttp http;
    AnthropicProvider provider;
    ModelConfig model;

    @BeforeEach
    void start() {
        fake = FakeUpstream.start();
        http = new UpstreamHttp(InstantSource.system());
        provider = new AnthropicProvider(http, Map.of("ANTHROPIC_API_KEY", "sk-ant-test")::get,
                InstantSource.fixed(Instant.ofEpochSecond(1_700_000_000L)));
        model = new ModelConfig("anthropic", "claude-3-5-sonnet-20241022", fake.baseUrl(), "ANTHROPIC_API_KEY", "large", null);
    }

    @AfterEach
    void stop() {
        http.close();
        fake.close();
    }

    static ChatRequest request(String json) {
        return ChatRequest.parse(json.getBytes());
    }

    @Test
    void a_request_is_translated_to_the_messages_api_with_its_headers() {
        fake.json(MESSAGE);
        provider.complete(request("""
                {"model":"claude","messages":[
                  {"role":"system","content":[{"type":"text","text":"You are terse.","cache_control":{"type":"ephemeral"}}]},
                  {"role":"user","content":"Weather in Paris?"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"location\\":\\"Paris\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"18C"},
                  {"role":"user","content":[{"type":"text","text":"And tomorrow?","cache_control":{"type":"ephemeral"}}]}],
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"location":{"type":"string"}}}}}],
                 "tool_choice":"required","temperature":1.5,"stop":"END","user":"u-42"}"""), model);
        RecordedRequest r = fake.takeRequest();
        assertThat(r.getPath()).isEqualTo("/v1/messages");
        assertThat(r.getHeader("x-api-key")).isEqualTo("sk-ant-test");
        assertThat(r.getHeader("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(r.getHeader("Authorization")).isNull();
        JsonNode expected = Json.parse("""
                {"model":"claude-3-5-sonnet-20241022","max_tokens":4096,
                 "system":[{"type":"text","text":"You are terse.","cache_control":{"type":"ephemeral"}}],
                 "messages":[
                   {"role":"user","content":"Weather in Paris?"},
                   {"role":"assistant","content":[{"type":"tool_use","id":"call_1","name":"get_weather","input":{"location":"Paris"}}]},
                   {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"18C"},
                                             {"type":"text","text":"And tomorrow?","cache_control":{"type":"ephemeral"}}]}],
                 "temperature":1.0,"stop_sequences":["END"],"metadata":{"user_id":"u-42"},
                 "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"location":{"type":"string"}}}}],
                 "tool_choice":{"type":"any"}}""");
        assertThat(Json.parse(r.getBody().readUtf8())).isEqualTo(expected);
    }

    @Test
    void plain_system_messages_become_a_string_and_the_client_cap_is_kept() {
        fake.json(MESSAGE);
        provider.complete(request("{\"model\":\"c\",\"max_tokens\":99,\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"hi\"}]}"), model);
        JsonNode sent = Json.parse(fake.takeRequest().getBody().readUtf8());
        assertThat(sent.path("system").asText()).isEqualTo("Be brief.");
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(99);
        assertThat(sent.has("stream")).isFalse();
    }

    @Test
    void a_response_becomes_an_openai_completion_with_tool_calls_and_cache_usage() {
        fake.json(MESSAGE);
        ChatResponse r = provider.complete(request(TestGateway.chat("c", "weather?", false)), model);
        JsonNode choice = r.body().path("choices").path(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.path("message").path("content").asText()).isEqualTo("Let me check the weather.");
        JsonNode tc = choice.path("message").path("tool_calls").path(0);
        assertThat(tc.path("id").asText()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        assertThat(tc.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(Json.parse(tc.path("function").path("arguments").asText())).isEqualTo(Json.parse("{\"location\":\"Paris\",\"unit\":\"c\"}"));
        assertThat(r.usage()).isEqualTo(new Usage(3050, 2000, 1000, 30, true));
        assertThat(r.body().path("usage").path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(2000);
        assertThat(r.created()).isEqualTo(1_700_000_000L);
    }

    @Test
    void stop_reasons_map_to_finish_reasons() {
        assertThat(AnthropicWire.finishReason("end_turn")).isEqualTo("stop");
        assertThat(AnthropicWire.finishReason("stop_sequence")).isEqualTo("stop");
        assertThat(AnthropicWire.finishReason("max_tokens")).isEqualTo("length");
        assertThat(AnthropicWire.finishReason("tool_use")).isEqualTo("tool_calls");
        assertThat(AnthropicWire.finishReason("refusal")).isEqualTo("content_filter");
    }

    @Test
    void a_stream_of_events_becomes_openai_chunks_with_text_tool_calls_and_usage() {
        fake.sse(EVENTS);
        List<ObjectNode> chunks = new ArrayList<>();
        ChatResponse r = provider.stream(request(TestGateway.chat("c", "weather?", true)), model, sink(chunks));
        JsonNode sent = Json.parse(fake.takeRequest().getBody().readUtf8());
        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(chunks.get(0).path("choices").path(0).path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(chunks).allSatisfy(c -> assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk"));
        assertThat(r.text()).isEqualTo("Okay, let's check.");
        JsonNode tc = r.body().path("choices").path(0).path("message").path("tool_calls").path(0);
        assertThat(tc.path("id").asText()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
        assertThat(Json.parse(tc.path("function").path("arguments").asText()).path("location").asText()).isEqualTo("San Francisco, CA");
        assertThat(r.finishReason()).isEqualTo("tool_calls");
        ObjectNode last = chunks.get(chunks.size() - 1);
        assertThat(last.path("choices").isEmpty()).isTrue();
        assertThat(r.usage()).isEqualTo(new Usage(2272, 1800, 0, 89, true));
    }

    @Test
    void an_error_event_mid_stream_is_thrown_as_a_retryable_gateway_error() {
        fake.sse(EVENTS.substring(0, EVENTS.indexOf("event: content_block_stop"))
                + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
        List<ObjectNode> chunks = new ArrayList<>();
        assertThatThrownBy(() -> provider.stream(request(TestGateway.chat("c", "hi", true)), model, sink(chunks)))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.provider()).isEqualTo("anthropic");
                    assertThat(e.getMessage()).contains("Overloaded");
                });
        assertThat(chunks).isNotEmpty();
    }

    @Test
    void a_stream_cut_before_message_stop_is_an_error() {
        fake.sse(EVENTS.substring(0, EVENTS.indexOf("event: message_delta")));
        assertThatThrownBy(() -> provider.stream(request(TestGateway.chat("c", "hi", true)), model, sink(new ArrayList<>())))
                .isInstanceOf(GatewayException.class).hasMessageContaining("message_stop");
    }

    @Test
    void overloaded_529_is_a_retryable_502_and_429_keeps_retry_after() {
        fake.enqueue(new MockResponse().setResponseCode(529)
                .setBody("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        assertThatThrownBy(() -> provider.complete(request(TestGateway.chat("c", "hi", false)), model))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.code()).isEqualTo("upstream_overloaded");
                });
        fake.enqueue(new MockResponse().setResponseCode(429).setHeader("retry-after", "12")
                .setBody("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}"));
        assertThatThrownBy(() -> provider.complete(request(TestGateway.chat("c", "hi", false)), model))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryAfterMillis()).isEqualTo(12_000);
                    assertThat(e.getMessage()).contains("per-minute rate limit");
                });
    }

    @Test
    void an_anthropic_model_streams_through_the_gateway_as_openai_sse() {
        fake.sse(EVENTS);
        GatewayConfig cfg = new GatewayConfig(null, Map.of("claude-3-5-sonnet", model)).withResilience(dev.tokenwise.gateway.config.ResilienceConfig.off());
        try (TestGateway gw = TestGateway.start(Gateway.builder(TestGateway.withTempDataDir(cfg)).port(0)
                .env(Map.of("ANTHROPIC_API_KEY", "k")::get))) {
            HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("claude-3-5-sonnet", "hi", true));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).endsWith("data: [DONE]\n\n").contains("\"tool_calls\"").doesNotContain("\"usage\"");
        }
    }

    @Test
    void the_openai_java_sdk_reads_a_translated_anthropic_stream_with_tool_calls() {
        fake.sse(EVENTS);
        fake.json(MESSAGE);
        GatewayConfig cfg = new GatewayConfig(null, Map.of("claude-3-5-sonnet", model)).withResilience(dev.tokenwise.gateway.config.ResilienceConfig.off());
        try (TestGateway gw = TestGateway.start(Gateway.builder(TestGateway.withTempDataDir(cfg)).port(0)
                .env(Map.of("ANTHROPIC_API_KEY", "k")::get))) {
            com.openai.client.OpenAIClient client = com.openai.client.okhttp.OpenAIOkHttpClient.builder()
                    .baseUrl(gw.baseUrl()).apiKey("unused").maxRetries(0).build();
            var params = com.openai.models.chat.completions.ChatCompletionCreateParams.builder()
                    .model("claude-3-5-sonnet").addUserMessage("Weather in SF?").build();
            var acc = com.openai.helpers.ChatCompletionAccumulator.create();
            try (var stream = client.chat().completions().createStreaming(params)) {
                stream.stream().forEach(acc::accumulate);
            }
            var message = acc.chatCompletion().choices().get(0).message();
            assertThat(message.content()).contains("Okay, let's check.");
            assertThat(message.toolCalls().orElseThrow().get(0).asFunction().function().arguments())
                    .isEqualTo("{\"location\": \"San Francisco, CA\"}");
            var completion = client.chat().completions().create(params);
            assertThat(completion.choices().get(0).finishReason().asString()).isEqualTo("tool_calls");
            assertThat(completion.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens()).contains(2000L);
        }
    }

    static ChunkSink sink(List<ObjectNode> into) {
        return new ChunkSink() {
            @Override public void send(ObjectNode chunk) { into.add(chunk); }
            @Override public boolean cancelled() { return false; }
            @Override public boolean started() { return !into.isEmpty(); }
        };
    }
}
