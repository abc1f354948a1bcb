package dev.tokenwise.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.Json;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CacheKeyTest {
    private static final String BASE = """
            {"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"What is 2+2?"}],
             "temperature":0}""";

    private static ChatRequest req(String json) {
        return ChatRequest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String key(String json) {
        return CacheKey.exact("acme", "faq", req(json));
    }

    @Test
    void key_order_and_insignificant_whitespace_do_not_change_the_key() {
        String reordered = """
                {  "temperature" : 0.0,
                   "messages" : [ {"content":"Be brief.", "role":"system"},
                                  {"content":"What is 2+2?","role":"user"} ],
                   "model":"gpt-4o" }""";
        assertThat(key(reordered)).isEqualTo(key(BASE));
    }

    @Test
    void whitespace_inside_a_message_is_part_of_the_prompt_and_changes_the_key() {
        assertThat(key(BASE.replace("What is 2+2?", "What is  2+2?"))).isNotEqualTo(key(BASE));
    }

    static Stream<Arguments> answerChangingFields() {
        return Stream.of(
                Arguments.of("model", "\"gpt-4o-mini\""),
                Arguments.of("temperature", "0.7"),
                Arguments.of("top_p", "0.5"),
                Arguments.of("max_tokens", "10"),
                Arguments.of("max_completion_tokens", "10"),
                Arguments.of("seed", "42"),
                Arguments.of("n", "2"),
                Arguments.of("stop", "[\"\\n\"]"),
                Arguments.of("logit_bias", "{\"50256\":-100}"),
                Arguments.of("presence_penalty", "0.5"),
                Arguments.of("frequency_penalty", "0.5"),
                Arguments.of("response_format", "{\"type\":\"json_object\"}"),
                Arguments.of("tools", "[{\"type\":\"function\",\"function\":{\"name\":\"add\"}}]"),
                Arguments.of("tool_choice", "\"none\""),
                Arguments.of("reasoning_effort", "\"high\""),
                Arguments.of("messages", "[{\"role\":\"user\",\"content\":\"What is 3+3?\"}]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answerChangingFields")
    void every_answer_changing_field_changes_the_key(String field, String value) {
        ObjectNode body = req(BASE).toJson();
        body.set(field, Json.parse(value));
        assertThat(key(Json.write(body))).isNotEqualTo(key(BASE));
    }

    @Test
    void transport_fields_do_not_change_the_key() {
        ObjectNode body = req(BASE).toJson();
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        body.put("user", "user-123");
        assertThat(key(Json.write(body))).isEqualTo(key(BASE));
    }

    @Test
    void tenant_and_route_namespace_the_key() {
        ChatRequest r = req(BASE);
        assertThat(CacheKey.exact("acme", "faq", r)).isNotEqualTo(CacheKey.exact("globex", "faq", r));
        assertThat(CacheKey.exact("acme", "faq", r)).isNotEqualTo(CacheKey.exact("acme", "chat", r));
    }

    @Test
    void the_semantic_namespace_ignores_the_last_question_but_not_the_conversation_before_it() {
        String ns = CacheKey.semanticNamespace("acme", "faq", req(BASE));
        assertThat(CacheKey.semanticNamespace("acme", "faq", req(BASE.replace("What is 2+2?", "How much is 2+2?")))).isEqualTo(ns);
        assertThat(CacheKey.semanticNamespace("acme", "faq", req(BASE.replace("Be brief.", "Be verbose.")))).isNotEqualTo(ns);
        assertThat(CacheKey.semanticNamespace("globex", "faq", req(BASE))).isNotEqualTo(ns);
        assertThat(CacheKey.semanticNamespace("acme", "faq", req(BASE.replace("\"temperature\":0", "\"temperature\":0.3")))).isNotEqualTo(ns);
    }

    @Test
    void a_follow_up_in_a_different_conversation_gets_a_different_namespace() {
        String a = """
                {"model":"gpt-4o","messages":[{"role":"user","content":"Tell me about Paris."},
                 {"role":"assistant","content":"Paris is the capital of France."},{"role":"user","content":"How big is it?"}]}""";
        String b = a.replace("Paris", "Tokyo").replace("France", "Japan");
        assertThat(CacheKey.semanticNamespace("t", "r", req(a))).isNotEqualTo(CacheKey.semanticNamespace("t", "r", req(b)));
        assertThat(CacheKey.lastUserText(req(a))).isEqualTo("How big is it?");
    }

    @Test
    void strings_are_written_as_jacksons_writer_writes_them_so_existing_keys_stay_the_same() {
        for (String s : new String[] {"", "plain", "quote \" and \\ backslash", "tab\tnew\nline\rcr", "\u0000\u0001\u001f\u007f",
                "caf\u00e9 \u65e5\u672c \ud83c\udf89", "\u2028\u2029", "</script>", "a/b"}) {
            var text = Json.MAPPER.getNodeFactory().textNode(s);
            assertThat(CacheKey.canonical(text)).as(s).isEqualTo(Json.write(text));
            ObjectNode o = Json.object();
            o.put(s, s);
            assertThat(CacheKey.canonical(o)).as(s).isEqualTo(Json.write(o));
        }
    }

    @Test
    void the_exact_key_is_the_hash_of_tenant_route_and_the_canonical_answer_fields() {
        ChatRequest r = req(BASE.replace("\"temperature\":0", "\"temperature\":0,\"stream\":true,\"user\":\"u1\""));
        ObjectNode body = r.toJson();
        CacheKey.TRANSPORT_FIELDS.forEach(body::remove);
        assertThat(CacheKey.exact("acme", "faq", r))
                .isEqualTo(dev.tokenwise.core.Hashing.sha256Hex("acme\u0000faq\u0000" + CacheKey.canonical(body)))
                .isEqualTo(key(BASE));
        // the request itself is left as it was
        assertThat(r.stream()).isTrue();
    }
}
