package dev.tokenwise.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenwise.gateway.config.ConfigException;
import dev.tokenwise.gateway.config.ConfigLoader;
import dev.tokenwise.gateway.config.GatewayConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObservabilityConfigTest {
    final ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);

    @Test
    void observability_defaults_to_metrics_and_request_log_on_prompts_and_tracing_off() {
        GatewayConfig c = loader.parse("models: {m: {provider: mock}}");
        assertThat(c.observability().metrics()).isTrue();
        assertThat(c.observability().requestLog()).isTrue();
        assertThat(c.observability().logPrompts()).isFalse();
        assertThat(c.observability().tracing()).isFalse();
    }

    @Test
    void the_observability_section_reads_snake_case_keys() {
        GatewayConfig c = loader.parse("models: {m: {provider: mock}}\n"
                + "observability: {metrics: false, request_log: false, log_prompts: true, tracing: true}");
        assertThat(c.observability().metrics()).isFalse();
        assertThat(c.observability().requestLog()).isFalse();
        assertThat(c.observability().logPrompts()).isTrue();
        assertThat(c.observability().tracing()).isTrue();
    }

    @Test
    void an_unknown_observability_key_is_rejected_by_name() {
        assertThatThrownBy(() -> loader.parse("observability: {metric: true}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("observability.metric").hasMessageContaining("metrics");
    }

    @Test
    void a_non_boolean_value_is_rejected_naming_the_key() {
        assertThatThrownBy(() -> loader.parse("observability: {tracing: sometimes}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("observability.tracing");
    }
}
