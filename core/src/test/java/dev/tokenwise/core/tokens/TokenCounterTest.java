package dev.tokenwise.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Message;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Token counts against published reference values (see reference-counts.json for the sources). */
class TokenCounterTest {
    private static JsonNode fixture() throws IOException {
        try (InputStream in = TokenCounterTest.class.getResourceAsStream("reference-counts.json")) {
            return Json.MAPPER.readTree(in);
        }
    }

    private static TokenCounter forEncoding(String encoding) {
        return switch (encoding) {
            case "o200k_base" -> TokenCounter.forModel("gpt-4o");
            case "cl100k_base" -> TokenCounter.forModel("gpt-4");
            default -> throw new IllegalArgumentException(encoding);
        };
    }

    @Test
    void string_counts_match_the_cookbook_for_cl100k_and_o200k() throws IOException {
        int checked = 0;
        for (JsonNode s : fixture().get("strings")) {
            TokenCounter c = forEncoding(s.get("encoding").asText());
            assertThat(c.encodingName()).isEqualTo(s.get("encoding").asText());
            assertThat(c.count(s.get("text").asText()))
                    .as("%s in %s (%s)", s.get("text").asText(), s.get("encoding").asText(), s.get("ref").asText())
                    .isEqualTo(s.get("tokens").asInt());
            checked++;
        }
        assertThat(checked).isEqualTo(8);
    }

    @Test
    void chat_prompt_counts_match_what_the_openai_api_reported() throws IOException {
        for (JsonNode chat : fixture().get("chats")) {
            List<Message> messages = new ArrayList<>();
            for (JsonNode m : chat.get("messages")) messages.add(new Message((ObjectNode) m));
            for (Iterator<Map.Entry<String, JsonNode>> it = chat.get("prompt_tokens").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                assertThat(TokenCounter.forModel(e.getKey()).countMessages(messages))
                        .as("prompt tokens for %s", e.getKey()).isEqualTo(e.getValue().asInt());
            }
        }
    }

    @Test
    void models_map_to_their_encodings_and_other_vendors_are_marked_as_estimates() {
        assertThat(TokenCounter.forModel("gpt-4o-2024-08-06").encodingName()).isEqualTo("o200k_base");
        assertThat(TokenCounter.forModel("openai/gpt-4o-mini").encodingName()).isEqualTo("o200k_base");
        assertThat(TokenCounter.forModel("o3-mini").encodingName()).isEqualTo("o200k_base");
        assertThat(TokenCounter.forModel("gpt-4.1").encodingName()).isEqualTo("o200k_base");
        assertThat(TokenCounter.forModel("gpt-4-1106-preview").encodingName()).isEqualTo("cl100k_base");
        assertThat(TokenCounter.forModel("gpt-3.5-turbo").encodingName()).isEqualTo("cl100k_base");
        assertThat(TokenCounter.forModel("gpt-4o").exact()).isTrue();
        TokenCounter claude = TokenCounter.forModel("claude-3-5-sonnet");
        assertThat(claude.exact()).isFalse();
        assertThat(claude.encodingName()).isEqualTo("cl100k_base");
        assertThat(TokenCounter.forModel("mixtral-8x7b-instruct").exact()).isFalse();
    }

    @Test
    void empty_and_missing_text_count_zero_and_an_empty_chat_is_the_priming_only() {
        TokenCounter c = TokenCounter.forModel("gpt-4o");
        assertThat(c.count("")).isZero();
        assertThat(c.count(null)).isZero();
        assertThat(c.countMessages(List.of())).isEqualTo(TokenCounter.REPLY_PRIMING);
    }

    @Test
    void the_byte_bound_is_never_below_the_count_nor_the_utf8_length() {
        List<String> texts = List.of("", "hello", "   \n\n\t  ", "Summarise product 42 for the catalogue.",
                "12345678901234567890", "日本語のテキストを数える", "emoji 🎉🎉🎉 and é, ß, ø", "\uD83D alone",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "<|endoftext|> stays ordinary text",
                "{\"tool\":\"call\",\"args\":[1,2,3]}", "Ünïcödé wörds ånd ψευδο-ελληνικά");
        for (String t : texts) {
            int bytes = t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            boolean surrogates = t.chars().anyMatch(ch -> Character.isSurrogate((char) ch));
            // exact without surrogates; a pair counts 6 for its 4 bytes, a lone one 3 for its 1 ('?')
            assertThat(TokenCounter.utf8Bound(t)).as(t).isGreaterThanOrEqualTo(bytes);
            if (!surrogates) assertThat(TokenCounter.utf8Bound(t)).as(t).isEqualTo(bytes);
            for (TokenCounter c : List.of(TokenCounter.forModel("gpt-4o"), TokenCounter.forModel("gpt-4"),
                    TokenCounter.forModel("claude-3-5-sonnet"))) {
                assertThat(TokenCounter.utf8Bound(t)).as("%s in %s", t, c.encodingName()).isGreaterThanOrEqualTo(c.count(t));
            }
        }
        ObjectNode named = Json.object().put("role", "user").put("name", "alice").put("content", "hi there");
        ObjectNode tools = Json.object().put("role", "assistant");
        tools.putArray("tool_calls").addObject().put("id", "c1").put("type", "function")
                .putObject("function").put("name", "lookup").put("arguments", "{\"q\":\"日本\"}");
        List<Message> messages = List.of(Message.of("system", "Be brief."), new Message(named), new Message(tools),
                Message.of("user", String.join(" ", texts.subList(0, 7))), Message.of("user", String.join(" ", texts.subList(8, texts.size()))));
        for (TokenCounter c : List.of(TokenCounter.forModel("gpt-4o"), TokenCounter.forModel("gpt-4"))) {
            long count = c.countMessages(messages);
            assertThat(c.upperBoundMessages(messages)).as(c.encodingName()).isGreaterThanOrEqualTo(count).isLessThan(count * 10);
        }
    }

    @Test
    void a_lone_surrogate_is_counted_as_the_replacement_character_instead_of_failing() {
        TokenCounter c = TokenCounter.forModel("gpt-4o");
        assertThat(c.count("x \uD83D y")).isEqualTo(c.count("x \uFFFD y"));
        assertThat(c.count("tail \uDE00")).isEqualTo(c.count("tail \uFFFD"));
        String pair = "emoji \uD83D\uDE00 ok";
        assertThat(TokenCounter.wellFormed(pair)).isSameAs(pair);
        assertThat(TokenCounter.wellFormed("\uDE00\uD83D\uDE00\uD83D")).isEqualTo("\uFFFD\uD83D\uDE00\uFFFD");
    }
}
