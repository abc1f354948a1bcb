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
}
