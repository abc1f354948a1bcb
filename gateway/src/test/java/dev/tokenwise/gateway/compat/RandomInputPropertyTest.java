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
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.testing.FakeUpstream;
import dev.tokenwise.gateway.testing.TestGateway;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    static FakeUpstream fake;
    /** Same model names, served by the openai adapter (proxy) and the anthropic adapter (translation). */
    static TestGateway openai;
    static TestGateway anthropic;

    @BeforeContainer
    static void start() {
        gw = TestGateway.embedded();
        fake = FakeUpstream.start();
        openai = TestGateway.start(GatewayConfig.upstream(fake.baseUrl(), null));
        Map<String, ModelConfig> m = new LinkedHashMap<>();
        m.put("*", new ModelConfig("anthropic", "claude-3-5-sonnet-20241022", fake.baseUrl(), null, null, null));
        anthropic = TestGateway.start(new GatewayConfig(null, m));
    }

    @AfterContainer
    static void stop() {
        // the generator must reach the adapters, not only the validation in front of them
        assertThat(fake.requestCount()).isGreaterThan(150);
        for (TestGateway g : List.of(gw, openai, anthropic)) {
            assertThat(g.getRoot("/healthz").statusCode()).isEqualTo(200);
            assertThat(g.post("/chat/completions", TestGateway.chat("gpt-4o", "still there?", false)).statusCode()).isEqualTo(200);
            g.close();
        }
        fake.close();
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
    void plausible_requests_never_get_a_5xx_from_the_proxy_or_the_anthropic_translation(
            @ForAll("plausible") String body) {
        check(openai.post("/chat/completions", body));
        check(anthropic.post("/chat/completions", body));
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

    /**
     * Requests that mostly pass validation (right types, odd values and combinations: tool calls
     * with broken arguments, image parts, cache_control, unknown fields), so they reach the adapters.
     */
    @Provide
    Arbitrary<String> plausible() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(30);
        Arbitrary<JsonNode> part = Arbitraries.oneOf(
                text.map(t -> (JsonNode) Json.object().put("type", "text").put("text", t)),
                text.map(t -> {
                    ObjectNode p = Json.object().put("type", "text").put("text", t);
                    p.putObject("cache_control").put("type", "ephemeral");
                    return (JsonNode) p;
                }),
                Arbitraries.of("https://x/y.png", "data:image/png;base64,iVBORw0K", "data:", "").map(u -> {
                    ObjectNode p = Json.object().put("type", "image_url");
                    p.putObject("image_url").put("url", u);
                    return (JsonNode) p;
                }),
                json(1).map(j -> (JsonNode) Json.object().put("type", "input_audio").set("input_audio", j)));
        Arbitrary<JsonNode> content = Arbitraries.oneOf(text.map(TextNode::valueOf),
                part.list().ofMinSize(1).ofMaxSize(3).map(l -> {
                    ArrayNode a = Json.array();
                    l.forEach(a::add);
                    return (JsonNode) a;
                }));
        Arbitrary<JsonNode> toolCall = Combinators.combine(text, Arbitraries.of("{}", "{\"a\":1}", "not json", "[1]", "", "null"))
                .as((name, args) -> {
                    ObjectNode tc = Json.object().put("id", "call_" + name.hashCode()).put("type", "function");
                    tc.putObject("function").put("name", name).put("arguments", args);
                    return (JsonNode) tc;
                });
        Arbitrary<JsonNode> message = Combinators.combine(
                Arbitraries.of("system", "developer", "user", "assistant", "tool"), content,
                toolCall.list().ofMaxSize(2), Arbitraries.of(true, false))
                .as((role, c, calls, cache) -> {
                    ObjectNode m = Json.object().put("role", role);
                    m.set("content", c);
                    if (role.equals("assistant") && !calls.isEmpty()) {
                        ArrayNode a = m.putArray("tool_calls");
                        calls.forEach(a::add);
                        if (cache) m.putNull("content");
                    }
                    if (role.equals("tool")) m.put("tool_call_id", "call_1");
                    if (cache && !role.equals("assistant")) m.putObject("cache_control").put("type", "ephemeral");
                    return (JsonNode) m;
                });
        Arbitrary<Map.Entry<String, JsonNode>> extra = Arbitraries.oneOf(
                Arbitraries.doubles().between(0, 2).map(d -> Map.entry("temperature", (JsonNode) DecimalNode.valueOf(BigDecimal.valueOf(d)))),
                Arbitraries.integers().between(1, 5000).map(i -> Map.entry("max_tokens", (JsonNode) LongNode.valueOf(i))),
                Arbitraries.integers().between(1, 3).map(i -> Map.entry("n", (JsonNode) LongNode.valueOf(i))),
                Arbitraries.of(true, false).map(b -> Map.entry("stream", (JsonNode) BooleanNode.valueOf(b))),
                Arbitraries.of(true, false).map(b -> Map.entry("parallel_tool_calls", (JsonNode) BooleanNode.valueOf(b))),
                text.map(t -> Map.entry("stop", (JsonNode) TextNode.valueOf(t))),
                text.map(t -> Map.entry("user", (JsonNode) TextNode.valueOf(t))),
                Arbitraries.of("auto", "none", "required").map(t -> Map.entry("tool_choice", (JsonNode) TextNode.valueOf(t))),
                Combinators.combine(text, json(1)).as((name, params) -> {
                    ArrayNode tools = Json.array();
                    ObjectNode f = tools.addObject().put("type", "function").putObject("function");
                    f.put("name", name);
                    f.set("parameters", params);
                    return Map.entry("tools", (JsonNode) tools);
                }),
                Combinators.combine(text, json(1)).as((k, v) -> Map.entry("x_" + k, v)));
        return Combinators.combine(Arbitraries.of("gpt-4o", "llama-3-8b", "some/model"),
                message.list().ofMinSize(1).ofMaxSize(4), extra.list().ofMaxSize(5)).as((model, msgs, extras) -> {
            ObjectNode b = Json.object().put("model", model);
            ArrayNode a = b.putArray("messages");
            msgs.forEach(a::add);
            for (Map.Entry<String, JsonNode> e : extras) b.set(e.getKey(), e.getValue());
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
