package dev.tokenwise.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One gateway with the semantic cache (loading the embedding model once for all tests). */
class SemanticCacheEndToEndTest {
    private static TestGateway gw;

    @BeforeAll
    static void start() {
        // A low threshold so these tests exercise the guards and the namespaces, not the model's calibration.
        CacheConfig cfg = new CacheConfig(false, true, null, null, null, null, null, null, 0.2, null, null, null, null);
        gw = TestGateway.start(GatewayConfig.embeddedDefault().withCache(cfg));
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static HttpResponse<String> ask(String system, String question) {
        var b = Json.object();
        b.put("model", "gpt-4o");
        var msgs = b.putArray("messages");
        if (system != null) msgs.addObject().put("role", "system").put("content", system);
        msgs.addObject().put("role", "user").put("content", question);
        return gw.post("/chat/completions", Json.write(b));
    }

    @Test
    void a_paraphrase_is_served_the_cached_answer() {
        HttpResponse<String> first = ask(null, "How do I reset my account password?");
        HttpResponse<String> para = ask(null, "How can I reset the password of my account?");
        assertThat(TestGateway.cacheStatus(first)).isEqualTo("miss");
        assertThat(TestGateway.cacheStatus(para)).isEqualTo("hit-semantic");
        assertThat(TestGateway.content(para)).isEqualTo(TestGateway.content(first));
    }

    @Test
    void a_question_with_a_different_number_is_never_a_hit() {
        ask(null, "What happened in the stock market in 2008?");
        HttpResponse<String> other = ask(null, "What happened in the stock market in 2009?");
        assertThat(TestGateway.cacheStatus(other)).isEqualTo("miss");
        assertThat(TestGateway.content(other)).contains("2009");
    }

    @Test
    void a_negated_question_is_never_a_hit() {
        ask(null, "Why is my laptop battery charging?");
        assertThat(TestGateway.cacheStatus(ask(null, "Why is my laptop battery not charging?"))).isEqualTo("miss");
    }

    @Test
    void the_same_question_under_another_system_prompt_is_a_different_request() {
        ask("You answer for the sales team.", "What is the price of the premium plan?");
        assertThat(TestGateway.cacheStatus(ask("You answer for the support team.", "What is the price of the premium plan?"))).isEqualTo("miss");
        assertThat(TestGateway.cacheStatus(ask("You answer for the sales team.", "What is the cost of the premium plan?"))).isEqualTo("hit-semantic");
    }
}
