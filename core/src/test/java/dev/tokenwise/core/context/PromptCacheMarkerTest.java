package dev.tokenwise.core.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptCacheMarkerTest {
    private static final TokenCounter COUNTER = TokenCounter.forModel("claude-3-5-sonnet");
    private static final String LONG = "You are the support agent for Acme. Follow the policy below exactly. ".repeat(120);

    @Test
    void a_long_system_prompt_and_the_stable_history_get_breakpoints() {
        List<Message> m = List.of(Message.of("system", LONG), Message.of("user", "Hi"), Message.of("assistant", "Hello"),
                Message.of("user", "Where is my order?"));
        PromptCacheMarker.Result r = PromptCacheMarker.mark(m, 1024, 4, COUNTER);
        assertThat(r.breakpoints()).isEqualTo(2);
        assertThat(r.messages().get(0).raw().at("/content/0/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(r.messages().get(0).text()).isEqualTo(LONG);
        assertThat(r.messages().get(2).raw().at("/content/0/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(r.messages().get(3)).isEqualTo(m.get(3));
    }

    @Test
    void a_prefix_below_the_minimum_cacheable_length_gets_none() {
        List<Message> m = List.of(Message.of("system", "Be brief."), Message.of("user", "Hi"));
        PromptCacheMarker.Result r = PromptCacheMarker.mark(m, 1024, 4, COUNTER);
        assertThat(r.breakpoints()).isZero();
        assertThat(r.messages()).isEqualTo(m);
    }

    @Test
    void breakpoints_the_client_placed_are_respected() {
        Message sys = PromptCacheMarker.withBreakpoint(Message.of("system", LONG));
        List<Message> m = List.of(sys, Message.of("user", "Hi"));
        assertThat(PromptCacheMarker.mark(m, 1024, 4, COUNTER).breakpoints()).isZero();
        assertThat(PromptCacheMarker.defaultMinTokens("claude-3-haiku")).isEqualTo(2048);
        assertThat(PromptCacheMarker.defaultMinTokens("claude-3-5-sonnet")).isEqualTo(1024);
    }

    @Test
    void the_limit_on_breakpoints_is_honoured() {
        List<Message> m = List.of(Message.of("system", LONG), Message.of("user", "Hi"), Message.of("assistant", "Hello"),
                Message.of("user", "Where is my order?"));
        assertThat(PromptCacheMarker.mark(m, 1024, 1, COUNTER).breakpoints()).isEqualTo(1);
    }
}
