package dev.tokenwise.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenwise.gateway.config.ConfigException;
import dev.tokenwise.gateway.config.ConfigLoader;
import dev.tokenwise.gateway.config.GatewayConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheConfigTest {
    private final ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);

    private GatewayConfig load(String cacheSection) {
        return loader.validate(loader.parse("models:\n  gpt-4o: {provider: mock}\n" + cacheSection));
    }

    @Test
    void the_cache_is_off_without_a_section() {
        GatewayConfig c = load("");
        assertThat(c.cache().anyEnabled()).isFalse();
        assertThat(c.cache().settings("faq").exact()).isFalse();
    }

    @Test
    void routes_override_the_section_defaults() {
        GatewayConfig c = load("""
                cache:
                  exact: true
                  ttl_seconds: 60
                  routes:
                    faq: {semantic: true, ttl_seconds: 86400, semantic_threshold: 0.9}
                    checkout: {exact: false}
                """);
        CacheConfig.Settings faq = c.cache().settings("faq");
        assertThat(faq.exact()).isTrue();
        assertThat(faq.semantic()).isTrue();
        assertThat(faq.ttlSeconds()).isEqualTo(86400);
        assertThat(faq.semanticThreshold()).isEqualTo(0.9);
        assertThat(c.cache().settings("checkout").exact()).isFalse();
        assertThat(c.cache().settings("untagged").ttlSeconds()).isEqualTo(60);
        assertThat(c.cache().semanticAnywhere()).isTrue();
    }

    @Test
    void bad_values_are_reported_together_naming_each_key() {
        assertThatThrownBy(() -> load("""
                cache:
                  ttl_seconds: 0
                  max_temperature: 3
                  redis_url: http://localhost:6379
                  routes:
                    faq: {semantic_threshold: 1.5}
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cache.ttl_seconds: must be at least 1, was 0")
                .hasMessageContaining("cache.max_temperature: must be between 0 and 2, was 3.0")
                .hasMessageContaining("cache.redis_url: 'http://localhost:6379' is not a redis:// or rediss:// URL")
                .hasMessageContaining("cache.routes.faq.semantic_threshold: must be in (0, 1], was 1.5");
    }

    @Test
    void an_unknown_cache_key_is_rejected() {
        assertThatThrownBy(() -> load("cache:\n  exakt: true\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'cache.exakt'");
    }
}
