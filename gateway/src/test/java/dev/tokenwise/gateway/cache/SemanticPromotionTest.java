package dev.tokenwise.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.keys.KeyStore;
import dev.tokenwise.gateway.testing.MutableClock;
import dev.tokenwise.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A verified semantic hit is copied into the exact store: the same paraphrase asked again is an
 * exact hit, within the asking tenant only and never beyond the life of the semantic entry.
 */
class SemanticPromotionTest {
    private static final Instant START = Instant.parse("2026-06-15T09:00:00Z");
    private static final MutableClock CLOCK = new MutableClock(START);
    private static TestGateway gw;
    private static Map<String, String> acme;
    private static Map<String, String> globex;

    @BeforeAll
    static void start() {
        // exact and semantic on, 60 s entries, a low threshold so the test is about promotion, not calibration
        CacheConfig cfg = new CacheConfig(true, true, 60, null, null, null, null, null, 0.2, null, null, null, null);
        gw = TestGateway.start(Gateway.builder(TestGateway.withTempDataDir(GatewayConfig.embeddedDefault().withCache(cfg)))
                .port(0).clock(CLOCK).nanoTime(() -> Duration.between(START, CLOCK.instant()).toNanos()));
        KeyStore keys = gw.gateway().keys().store();
        acme = Map.of("Authorization", "Bearer " + keys.create("acme-app", "acme", null, null).secret());
        globex = Map.of("Authorization", "Bearer " + keys.create("globex-app", "globex", null, null).secret());
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static HttpResponse<String> ask(Map<String, String> key, String question) {
        var b = Json.object();
        b.put("model", "gpt-4o");
        b.putArray("messages").addObject().put("role", "user").put("content", question);
        return gw.post("/chat/completions", Json.write(b), key);
    }

    @Test
    void a_repeated_paraphrase_is_an_exact_hit_in_its_tenant_only_and_expires_with_its_source() {
        HttpResponse<String> first = ask(acme, "How do I reset my account password?");
        assertThat(TestGateway.cacheStatus(first)).isEqualTo("miss");

        CLOCK.advance(Duration.ofSeconds(50));
        HttpResponse<String> para = ask(acme, "How can I reset the password of my account?");
        assertThat(TestGateway.cacheStatus(para)).isEqualTo("hit-semantic");
        HttpResponse<String> again = ask(acme, "How can I reset the password of my account?");
        assertThat(TestGateway.cacheStatus(again)).isEqualTo("hit-exact");
        assertThat(TestGateway.content(again)).isEqualTo(TestGateway.content(first));

        // another tenant never sees the promoted copy (nor the semantic entry)
        HttpResponse<String> other = ask(globex, "How can I reset the password of my account?");
        assertThat(TestGateway.cacheStatus(other)).isEqualTo("miss");

        // the copy was stored with the 10 s the semantic entry had left, not a fresh 60 s
        CLOCK.advance(Duration.ofSeconds(11));
        assertThat(TestGateway.cacheStatus(ask(acme, "How can I reset the password of my account?"))).isEqualTo("miss");
    }
}
