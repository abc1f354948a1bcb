package dev.tokenwise.gateway.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway in front of an OpenAI-compatible upstream (here a mock upstream, as started by
 * {@code tokenwise mock-upstream}) returns what the upstream returns. The upstream's clock is
 * fixed so that two calls with the same body give the same answer.
 *
 * <p>What legitimately differs: for a stream whose client did not ask for usage, the gateway asks
 * upstream for it anyway (to price the call), so the upstream sees a different body; a mock
 * upstream derives its completion {@code id} from the body, a real one makes a new id per call.
 * The usage chunk itself is removed before the client sees it. Response headers differ too
 * (the gateway adds x-request-id).
 */
class ByteFaithfulnessTest {
    static TestGateway upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        GatewayConfig mock = GatewayConfig.mockUpstream(new ModelConfig.MockConfig(0, 0, 50, null));
        upstream = TestGateway.start(Gateway.builder(TestGateway.withTempDataDir(mock)).port(0)
                .clock(InstantSource.fixed(Instant.parse("2025-01-01T00:00:00Z"))));
        gateway = TestGateway.start(GatewayConfig.upstream(upstream.baseUrl(), null));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static final String BODY = """
            {"model":"gpt-4o","messages":[{"role":"system","content":"Be kind."},{"role":"user","content":"Ünïcode ✓ and \\"quotes\\" 🎉"}],
             "temperature":0.25,"max_tokens":30,"metadata":{"x":[1,2.50,1e3]}}""";

    @Test
    void a_non_streaming_answer_is_byte_identical_to_calling_the_upstream_directly() {
        HttpResponse<String> direct = upstream.post("/chat/completions", BODY);
        HttpResponse<String> via = gateway.post("/chat/completions", BODY);
        assertThat(via.statusCode()).isEqualTo(200);
        assertThat(via.body()).isEqualTo(direct.body());
    }

    @Test
    void a_stream_with_usage_is_byte_identical_to_calling_the_upstream_directly() {
        ObjectNode b = (ObjectNode) Json.parse(BODY);
        b.put("stream", true);
        b.putObject("stream_options").put("include_usage", true);
        HttpResponse<String> direct = upstream.post("/chat/completions", Json.write(b));
        HttpResponse<String> via = gateway.post("/chat/completions", Json.write(b));
        assertThat(via.headers().firstValue("content-type")).isEqualTo(direct.headers().firstValue("content-type"));
        assertThat(via.body()).isEqualTo(direct.body());
    }

    @Test
    void a_stream_without_usage_has_the_same_chunks_apart_from_the_id() {
        ObjectNode b = (ObjectNode) Json.parse(BODY);
        b.put("stream", true);
        List<JsonNode> direct = chunks(upstream.post("/chat/completions", Json.write(b)).body());
        List<JsonNode> via = chunks(gateway.post("/chat/completions", Json.write(b)).body());
        assertThat(via).hasSameSizeAs(direct);
        for (int i = 0; i < direct.size(); i++) {
            assertThat(withoutId(via.get(i))).isEqualTo(withoutId(direct.get(i)));
            assertThat(via.get(i).has("usage")).isFalse();
        }
    }

    @Test
    void any_model_name_reaches_the_upstream_unchanged() {
        HttpResponse<String> via = gateway.post("/chat/completions", TestGateway.chat("org/some-model-7b", "hi", false));
        assertThat(TestGateway.json(via).path("model").asText()).isEqualTo("org/some-model-7b");
    }

    static List<JsonNode> chunks(String sse) {
        List<JsonNode> out = new ArrayList<>();
        for (String block : sse.split("\n\n")) {
            if (block.isBlank()) continue;
            assertThat(block).startsWith("data: ");
            if (block.equals("data: [DONE]")) continue;
            out.add(Json.parse(block.substring(6)));
        }
        assertThat(sse).endsWith("data: [DONE]\n\n");
        return out;
    }

    static JsonNode withoutId(JsonNode chunk) {
        ObjectNode c = chunk.deepCopy();
        c.remove("id");
        return c;
    }
}
