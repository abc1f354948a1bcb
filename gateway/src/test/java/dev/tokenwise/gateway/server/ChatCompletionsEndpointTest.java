package dev.tokenwise.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChatCompletionsEndpointTest {
    static TestGateway gw;

    @BeforeAll
    static void start() { gw = TestGateway.embedded(); }

    @AfterAll
    static void stop() { gw.close(); }

    @Test
    void a_mock_model_answers_a_non_streaming_request_in_openai_shape() {
        HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "What are your business hours?", false));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = TestGateway.json(r);
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("choices").path(0).path("message").path("content").asText()).contains("business hours");
        assertThat(body.path("usage").path("prompt_tokens").asLong()).isPositive();
        assertThat(body.path("usage").path("total_tokens").asLong())
                .isEqualTo(body.path("usage").path("prompt_tokens").asLong() + body.path("usage").path("completion_tokens").asLong());
    }

    @Test
    void the_same_prompt_gets_the_same_mock_answer() {
        String a = TestGateway.json(gw.post("/chat/completions", TestGateway.chat("gpt-4o-mini", "hello", false)))
                .path("choices").path(0).path("message").path("content").asText();
        String b = TestGateway.json(gw.post("/chat/completions", TestGateway.chat("gpt-4o-mini", "hello", false)))
                .path("choices").path(0).path("message").path("content").asText();
        assertThat(a).isEqualTo(b);
    }

    @Test
    void a_streaming_request_gets_sse_chunks_ending_in_done_and_joining_to_the_full_answer() {
        String full = TestGateway.json(gw.post("/chat/completions", TestGateway.chat("gpt-4o", "stream me", false)))
                .path("choices").path(0).path("message").path("content").asText();
        HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "stream me", true));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> events = new ArrayList<>();
        for (String block : r.body().split("\n\n")) if (!block.isBlank()) events.add(block);
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
        StringBuilder text = new StringBuilder();
        for (String e : events.subList(0, events.size() - 1)) {
            assertThat(e).startsWith("data: {");
            JsonNode chunk = Json.parse(e.substring(6));
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.has("usage")).as("no usage unless include_usage").isFalse();
            text.append(chunk.path("choices").path(0).path("delta").path("content").asText(""));
        }
        assertThat(text.toString()).isEqualTo(full);
    }

    @Test
    void include_usage_adds_a_final_usage_chunk_with_empty_choices() {
        var b = (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(TestGateway.chat("gpt-4o", "usage please", true));
        b.putObject("stream_options").put("include_usage", true);
        HttpResponse<String> r = gw.post("/chat/completions", Json.write(b));
        String[] blocks = r.body().split("\n\n");
        JsonNode last = Json.parse(blocks[blocks.length - 2].substring(6));
        assertThat(last.path("choices").isEmpty()).isTrue();
        assertThat(last.path("usage").path("completion_tokens").asLong()).isPositive();
    }

    @Test
    void models_lists_the_embedded_mock_models() {
        JsonNode body = TestGateway.json(gw.get("/models"));
        List<String> ids = new ArrayList<>();
        body.path("data").forEach(m -> ids.add(m.path("id").asText()));
        assertThat(ids).contains("gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "claude-3-haiku", "llama-3-8b", "llama-3-70b");
    }

    @Test
    void healthz_answers_ok() {
        assertThat(gw.getRoot("/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void malformed_json_is_a_400_invalid_request_error() {
        HttpResponse<String> r = gw.post("/chat/completions", "{\"model\": ");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestGateway.json(r).path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void empty_messages_is_a_400_naming_the_param() {
        HttpResponse<String> r = gw.post("/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestGateway.json(r).path("error").path("param").asText()).isEqualTo("messages");
    }

    @Test
    void unknown_model_is_a_404_model_not_found() {
        HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("no-such-model", "hi", false));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(TestGateway.json(r).path("error").path("code").asText()).isEqualTo("model_not_found");
    }

    @Test
    void a_body_over_the_limit_is_a_413() {
        byte[] big = new byte[10 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'a');
        HttpResponse<String> r = gw.postBytes("/chat/completions", big);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(TestGateway.json(r).path("error").path("code").asText()).isEqualTo("request_too_large");
    }

    @Test
    void invalid_utf8_is_a_400() {
        HttpResponse<String> r = gw.postBytes("/chat/completions", new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        assertThat(r.statusCode()).isEqualTo(400);
    }

    @Test
    void an_unknown_path_is_a_404_in_openai_error_shape() {
        HttpResponse<String> r = gw.get("/nope");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(TestGateway.json(r).path("error").path("message").asText()).contains("/v1/nope");
    }
}
