package dev.tokenwise.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChatRequestTest {
    private static boolean jdkValid(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The in-place check agrees with the JDK's strict decoder on random bytes biased to UTF-8's edges. */
    @Test
    void the_utf8_check_agrees_with_the_jdk_decoder() {
        Random random = new Random(7);
        int[] edges = {0x00, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x9f, 0xa0, 0x8f, 0x90};
        int invalid = 0;
        for (int round = 0; round < 200_000; round++) {
            byte[] b = new byte[random.nextInt(6)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (random.nextBoolean() ? edges[random.nextInt(edges.length)] : random.nextInt(256));
            }
            boolean jdk = jdkValid(b);
            if (!jdk) invalid++;
            assertThat(ChatRequest.validUtf8(b)).as("bytes %s", java.util.HexFormat.of().formatHex(b)).isEqualTo(jdk);
        }
        assertThat(invalid).isBetween(10_000, 190_000);
        String all = "a é € 😀 \u0000 \uffff \ud800\udc00";
        assertThat(ChatRequest.validUtf8(all.getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Test
    void a_body_that_is_not_utf8_is_a_400() {
        byte[] body = {'{', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', ':', '1', '}'};
        assertThatThrownBy(() -> ChatRequest.parse(body)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void a_request_built_from_a_callers_node_does_not_see_later_changes_to_it() {
        ObjectNode node = (ObjectNode) Json.parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        ChatRequest r = new ChatRequest(node);
        node.put("model", "changed");
        assertThat(r.model()).isEqualTo("m");
        ChatRequest capped = r.withMaxTokens(5);
        assertThat(capped.maxTokens()).hasValue(5);
        assertThat(r.maxTokens()).isEmpty();
        assertThat(capped).isNotEqualTo(r).isEqualTo(r.withMaxTokens(5));
    }

    @Test
    void a_response_writes_its_bytes_once_and_derived_responses_their_own() {
        ChatResponse r = ChatResponse.of("id1", "m", 1, "text", "stop", null);
        assertThat(r.bytes()).isSameAs(r.bytes());
        ChatResponse other = r.withId("id2", 2);
        assertThat(new String(other.bytes(), StandardCharsets.UTF_8)).contains("\"id2\"");
        assertThat(new String(r.bytes(), StandardCharsets.UTF_8)).contains("\"id1\"").doesNotContain("id2");
    }
}
