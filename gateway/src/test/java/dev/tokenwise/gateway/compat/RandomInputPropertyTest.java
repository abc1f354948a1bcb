package dev.tokenwise.gateway.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.testing.TestGateway;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random JSON documents, random request-shaped objects and random bytes at the chat endpoint: the
 * gateway never answers 5xx to them, always in the OpenAI error shape, and stays healthy.
 */
class RandomInputPropertyTest {
    static final List<String> FIELDS = List.of("model", "messages", "role", "content", "stream", "stream_options",
            "include_usage", "max_tokens", "max_completion_tokens", "temperature", "top_p", "n", "tools", "tool_calls",
            "type", "text", "user", "name", "function", "stop");

    static TestGateway gw;

    @BeforeContainer
    static void start() { gw = TestGateway.embedded(); }

    @AfterContainer
    static void stop() {
        assertThat(gw.getRoot("/healthz").statusCode()).isEqualTo(200);
        assertThat(gw.post("/chat/completions", TestGateway.chat("gpt-4o", "still there?", false)).statusCode()).isEqualTo(200);
        gw.close();
    }

    @Property(tries = 300)
    void random_json_documents_never_get_a_5xx(@ForAll("documents") String body) {
        check(gw.post("/chat/completions", body));
    }

    @Property(tries = 300)
    void random_request_shaped_objects_never_get_a_5xx(@ForAll("requests") String body) {
        check(gw.post("/chat/completions", body));
    }

    @Property(tries = 200)
    void random_bytes_never_get_a_5xx(@ForAll("bytes") byte[] body) {
        check(gw.postBytes("/chat/completions", body));
    }

    static void check(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isLessThan(500);
        if (r.statusCode() >= 400) {
            JsonNode err = Json.parse(r.body()).path("error");
            assertThat(err.path("message").isTextual()).isTrue();
            assertThat(err.path("type").isTextual()).isTrue();
        }
    }

    @Provide
    Arbitrary<String> documents() {
        return json(3).map(Json::write);
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    }

    /** Objects with the real field names, real and random values: reach validation paths deeply. */
    @Provide
    Arbitrary<String> requests() {
        Arbitrary<JsonNode> model = Arbitraries.oneOf(Arbitraries.of("gpt-4o", "gpt-4o-mini", "llama-3-8b").map(TextNode::valueOf), json(0));
        Arbitrary<JsonNode> message = Combinators.combine(
                Arbitraries.oneOf(Arbitraries.of("user", "system", "assistant", "tool", "developer").map(j -> (JsonNode) TextNode.valueOf(j)), json(0)),
                Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40).map(j -> (JsonNode) TextNode.valueOf(j)), json(2)),
                object(1))
                .as((role, content, extra) -> {
                    ObjectNode m = (ObjectNode) extra;
                    m.set("role", role);
                    m.set("content", content);
                    return (JsonNode) m;
                });
        Arbitrary<JsonNode> messages = Arbitraries.oneOf(message.list().ofMinSize(1).ofMaxSize(3).map(l -> {
            ArrayNode a = Json.array();
            l.forEach(a::add);
            return (JsonNode) a;
        }), json(2));
        return Combinators.combine(model, messages, object(2)).as((m, ms, extra) -> {
            ObjectNode b = (ObjectNode) extra;
            b.set("model", m);
            b.set("messages", ms);
            return Json.write(b);
        });
    }

    static Arbitrary<JsonNode> json(int depth) {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(20).map(TextNode::valueOf),
                Arbitraries.longs().map(LongNode::valueOf),
                Arbitraries.bigDecimals().ofScale(3).between(new BigDecimal("-1e6"), new BigDecimal("1e6")).map(DecimalNode::valueOf),
                Arbitraries.of(BooleanNode.TRUE, BooleanNode.FALSE, NullNode.instance));
        if (depth == 0) return leaf;
        Arbitrary<JsonNode> array = Arbitraries.lazy(() -> json(depth - 1)).list().ofMaxSize(4).map(l -> {
            ArrayNode a = Json.array();
            l.forEach(a::add);
            return a;
        });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, leaf), net.jqwik.api.Tuple.of(2, array), net.jqwik.api.Tuple.of(3, object(depth)));
    }

    static Arbitrary<JsonNode> object(int depth) {
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of(FIELDS), Arbitraries.strings().ofMaxLength(8));
        Arbitrary<JsonNode> value = Arbitraries.lazy(() -> json(Math.max(0, depth - 1)));
        return Combinators.combine(key, value).as((k, v) -> new Object[] {k, v}).list().ofMaxSize(5).map(entries -> {
            ObjectNode o = Json.object();
            for (Object[] e : entries) o.set((String) e[0], (JsonNode) e[1]);
            return o;
        });
    }
}
