package dev.tokenwise.gateway.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenwise.gateway.config.ConfigException;
import org.junit.jupiter.api.Test;

class ContextConfigTest {
    @Test
    void a_full_context_section_parses_with_defaults_filled_in() {
        ContextConfig c = StageHarness.config("""
                context:
                  summariser_model: gpt-4o-mini
                  routes:
                    - feature: support
                      trim: {budget_tokens: 2000}
                      dedup: {}
                      output: {max_tokens: 300, task_type: chat}
                      prompt_cache: {}
                      batch: {deferrable: true, wait_for_result: true}
                """);
        ContextConfig.RouteConfig r = c.route("support", "gpt-4o");
        assertThat(r.name()).isEqualTo("support/*");
        assertThat(r.trim().keepLastTurns()).isEqualTo(3);
        assertThat(r.trim().pin().firstUserTurns()).isEqualTo(1);
        assertThat(r.dedup().minBlockChars()).isEqualTo(200);
        assertThat(r.output().onExceed()).isEqualTo("warn");
        assertThat(r.promptCache().maxBreakpoints()).isEqualTo(2);
        assertThat(r.batch().waitForResult()).isTrue();
        assertThat(c.route("other", "gpt-4o")).isNull();
    }

    @Test
    void without_a_context_section_nothing_is_configured() {
        ContextConfig c = StageHarness.config("");
        assertThat(c.routes()).isEmpty();
        assertThat(c.route("support", "gpt-4o")).isNull();
    }

    @Test
    void every_bad_value_is_reported_with_its_key() {
        assertThatThrownBy(() -> StageHarness.config("""
                context:
                  summariser_model: nope
                  routes:
                    - trim: {budget_tokens: 10}
                      output: {task_type: poetry, on_exceed: explode, length_rate_threshold: 2}
                      prompt_cache: {max_breakpoints: 9}
                    - model: gpt-5-ultra
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("context.summariser_model: 'nope' is not a configured model")
                .hasMessageContaining("context.routes[0]: needs 'feature' and/or 'model'")
                .hasMessageContaining("context.routes[0].trim.budget_tokens: must be at least 64, was 10")
                .hasMessageContaining("context.routes[0].output.task_type: 'poetry'")
                .hasMessageContaining("context.routes[0].output.on_exceed: 'explode'")
                .hasMessageContaining("context.routes[0].output.length_rate_threshold")
                .hasMessageContaining("context.routes[0].prompt_cache.max_breakpoints: must be 1..4, was 9")
                .hasMessageContaining("context.routes[1].model: 'gpt-5-ultra' is not a configured model");
    }

    @Test
    void an_unknown_key_in_the_section_is_rejected() {
        assertThatThrownBy(() -> StageHarness.config("context:\n  routes:\n    - feature: a\n      trimm: {}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("trimm");
    }
}
