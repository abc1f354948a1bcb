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
    void the_semantic_model_defaults_to_minilm_and_can_be_chosen() {
        assertThat(load("cache:\n  semantic: true\n").cache().model()).isEqualTo(SemanticModel.DEFAULT);
        for (SemanticModel m : SemanticModel.values()) {
            if (!m.inBuild()) continue;
            assertThat(load("cache:\n  semantic: true\n  semantic_model: " + m.id() + "\n").cache().model()).isEqualTo(m);
        }
    }

    @Test
    void an_unknown_semantic_model_fails_at_startup_naming_the_choices() {
        assertThatThrownBy(() -> load("cache:\n  semantic: true\n  semantic_model: text-embedding-3-small\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cache.semantic_model: 'text-embedding-3-small' is not one of " + SemanticModel.ids())
                .hasMessageContaining("minilm-l6-q");
    }

    @Test
    void a_known_model_missing_from_the_build_fails_at_startup() {
        SemanticModel absent = java.util.Arrays.stream(SemanticModel.values()).filter(m -> !m.inBuild()).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(absent != null, "every model is in this build");
        assertThatThrownBy(() -> load("cache:\n  semantic: true\n  semantic_model: " + absent.id() + "\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cache.semantic_model: '" + absent.id() + "' is not in this build");
    }

    @Test
    void an_unknown_cache_key_is_rejected() {
        assertThatThrownBy(() -> load("cache:\n  exakt: true\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'cache.exakt'");
    }
}
