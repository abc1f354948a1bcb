package dev.tokenwise.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PricingAndLedgerConfigTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of("PGUSER_VAR", "tokenwise")::get);

    private GatewayConfig load(String yaml) {
        return loader.validate(loader.parse("models: {gpt-4o: {provider: mock}}\n" + yaml));
    }

    @Test
    void pricing_defaults_to_the_current_sheet_and_the_embedded_sqlite_ledger() {
        GatewayConfig c = load("");
        assertThat(c.pricing().sheet()).isEqualTo("current");
        assertThat(c.pricing().catalog().find("gpt-4o").orElseThrow().input()).isEqualByComparingTo("2.50");
        assertThat(c.ledger().embedded()).isTrue();
        assertThat(c.ledger().flushIntervalMs()).isEqualTo(200);
    }

    @Test
    void a_sheet_and_model_overrides_are_applied() {
        GatewayConfig c = load("""
                pricing:
                  sheet: seed-2025
                  models:
                    my-finetune: {input: 1.5, cached_input: 0.5, output: 6, source: "contract 2025"}
                    gpt-4o: {input: 4, output: 16}
                """);
        var catalog = c.pricing().catalog();
        assertThat(catalog.sheet()).isEqualTo("seed-2025");
        assertThat(catalog.find("my-finetune").orElseThrow().cachedInput()).isEqualByComparingTo("0.5");
        assertThat(catalog.find("gpt-4o").orElseThrow().output()).isEqualByComparingTo(new BigDecimal("16"));
        assertThat(catalog.find("claude-3-5-sonnet").orElseThrow().input()).isEqualByComparingTo("3.00");
    }

    @Test
    void bad_pricing_is_reported_at_load_naming_the_key_and_value() {
        assertThatThrownBy(() -> load("pricing: {sheet: nope, models: {m1: {input: 1}, m2: {input: -1, output: 2}, m3: 7}}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pricing.sheet: unknown price sheet 'nope'")
                .hasMessageContaining("pricing.models.m1: 'input' and 'output'")
                .hasMessageContaining("pricing.models.m2")
                .hasMessageContaining("pricing.models.m3: must be a mapping");
    }

    @Test
    void bad_ledger_settings_are_reported_at_load() {
        assertThatThrownBy(() -> load("ledger: {url: 'mysql://x', flush_interval_ms: 0, pool_size: 1, password_env: NOPE_VAR}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ledger.url: 'mysql://x'")
                .hasMessageContaining("ledger.flush_interval_ms: must be 1..60000, was 0")
                .hasMessageContaining("ledger.pool_size")
                .hasMessageContaining("ledger.password_env: environment variable NOPE_VAR is not set");
        assertThatThrownBy(() -> load("ledger: {flush_every: 3}")).hasMessageContaining("unknown key 'ledger.flush_every'");
    }

    @Test
    void a_postgresql_ledger_is_accepted() {
        GatewayConfig c = load("ledger: {url: 'jdbc:postgresql://127.0.0.1:5432/tokenwise', username_env: PGUSER_VAR}");
        assertThat(c.ledger().embedded()).isFalse();
        assertThat(c.ledger().usernameEnv()).isEqualTo("PGUSER_VAR");
    }
}
