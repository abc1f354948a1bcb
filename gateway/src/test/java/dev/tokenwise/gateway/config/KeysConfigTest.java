package dev.tokenwise.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KeysConfigTest {
    private final ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);

    @Test
    void the_keys_section_is_read_in_snake_case_and_defaults_when_absent() {
        GatewayConfig c = loader.validate(loader.parse("""
                models: {gpt-4o: {provider: mock}}
                keys:
                  url: jdbc:postgresql://127.0.0.1:5432/tokenwise
                  redis_url: redis://127.0.0.1:6379
                  default_max_tokens: 1000
                  estimate_margin: 0.5
                  auth_cache_ms: 0
                """));
        assertThat(c.keys().url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/tokenwise");
        assertThat(c.keys().redisUrl()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(c.keys().defaultMaxTokens()).isEqualTo(1000);
        assertThat(c.keys().estimateMargin()).isEqualTo(0.5);
        assertThat(c.keys().authCacheMs()).isZero();

        GatewayConfig d = loader.validate(loader.parse("models: {gpt-4o: {provider: mock}}"));
        assertThat(d.keys().defaultMaxTokens()).isEqualTo(KeysConfig.DEFAULT_MAX_TOKENS);
        assertThat(d.keys().authCacheMs()).isEqualTo(KeysConfig.DEFAULT_AUTH_CACHE_MS);
        assertThat(d.keys().jdbcUrl("/data")).isEqualTo("jdbc:sqlite:/data/keys.db");
    }

    @Test
    void bad_keys_values_are_reported_with_their_key_and_value() {
        assertThatThrownBy(() -> loader.validate(loader.parse("""
                models: {gpt-4o: {provider: mock}}
                keys: {url: "mysql://x", redis_url: "http://r", default_max_tokens: 0, auth_cache_ms: 60001}
                """)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("keys.url: 'mysql://x'")
                .hasMessageContaining("keys.redis_url: 'http://r'")
                .hasMessageContaining("keys.default_max_tokens: must be at least 1, was 0")
                .hasMessageContaining("keys.auth_cache_ms: must be 0..60000, was 60001");
        assertThatThrownBy(() -> loader.parse("keys: {urll: x}")).hasMessageContaining("unknown key 'keys.urll'");
    }
}
