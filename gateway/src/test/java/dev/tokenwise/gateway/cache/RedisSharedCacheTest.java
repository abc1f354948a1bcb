package dev.tokenwise.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.testing.RedisServer;
import dev.tokenwise.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class RedisSharedCacheTest {
    private static GatewayConfig withRedis(String url) {
        return GatewayConfig.embeddedDefault().withCache(
                new CacheConfig(true, null, null, null, null, null, null, url, null, null, null, null, null));
    }

    @Test
    void two_gateway_replicas_share_hits_through_redis() {
        try (RedisServer redis = RedisServer.start();
             TestGateway a = TestGateway.start(withRedis(redis.url()));
             TestGateway b = TestGateway.start(withRedis(redis.url()))) {
            String body = TestGateway.chat("gpt-4o", "Summarise product 7 for the catalogue.", false);
            HttpResponse<String> miss = a.post("/chat/completions", body);
            HttpResponse<String> hit = b.post("/chat/completions", body);
            assertThat(miss.headers().firstValue("x-tokenwise-cache")).hasValue("miss");
            assertThat(hit.headers().firstValue("x-tokenwise-cache")).hasValue("hit-exact");
            assertThat(TestGateway.json(hit).at("/choices/0/message/content"))
                    .isEqualTo(TestGateway.json(miss).at("/choices/0/message/content"));
        }
    }

    @Test
    void the_cache_survives_a_gateway_restart_with_redis() {
        try (RedisServer redis = RedisServer.start()) {
            String body = TestGateway.chat("gpt-4o-mini", "What is the warranty period?", false);
            try (TestGateway first = TestGateway.start(withRedis(redis.url()))) {
                first.post("/chat/completions", body);
            }
            try (TestGateway restarted = TestGateway.start(withRedis(redis.url()))) {
                assertThat(restarted.post("/chat/completions", body).headers().firstValue("x-tokenwise-cache")).hasValue("hit-exact");
            }
        }
    }

    @Test
    void a_redis_outage_degrades_to_misses_not_errors() {
        String url;
        try (RedisServer redis = RedisServer.start()) {
            url = redis.url();
        }
        try (TestGateway gw = TestGateway.start(withRedis(url))) {
            String body = TestGateway.chat("gpt-4o", "Is the shop open on Sunday?", false);
            HttpResponse<String> r = gw.post("/chat/completions", body);
            assertThat(r.statusCode()).isEqualTo(200);
            // the in-process tier still serves the repeat
            assertThat(gw.post("/chat/completions", body).headers().firstValue("x-tokenwise-cache")).hasValue("hit-exact");
        }
    }
}
