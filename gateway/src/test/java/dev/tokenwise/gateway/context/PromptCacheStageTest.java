package dev.tokenwise.gateway.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.wire.Message;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Reply;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptCacheStageTest {
    static final String POLICY = "Refunds are issued within 14 days of delivery when the item is unused and in its box. ".repeat(80);
    private final StageHarness h = new StageHarness();
    private final ContextConfig config = StageHarness.config(
            "context:\n  routes:\n    - feature: support\n      prompt_cache: {}\n");

    private static List<Message> chat() {
        return List.of(Message.of("system", POLICY), Message.of("user", "Can I return shoes?"),
                Message.of("assistant", "Yes, if unused."), Message.of("user", "And opened ones?"));
    }

    @Test
    void an_anthropic_model_gets_breakpoints_on_its_long_stable_prefix() {
        PromptCacheStage stage = new PromptCacheStage(config, h.registry);
        Reply r = h.run(stage, StageHarness.request("claude-cached", chat()), StageHarness.feature("support"));
        assertThat(h.received.messages().get(0).raw().at("/content/0/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(h.received.messages().get(2).raw().at("/content/0/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(h.received.messages().get(3).content().isTextual()).isTrue();
        assertThat(r.applied()).singleElement().extracting(Applied::strategy).isEqualTo(Applied.PROMPT_CACHE);
        assertThat(r.applied().get(0).detail()).startsWith("2 cache breakpoints");
    }

    @Test
    void models_of_other_providers_are_left_to_their_automatic_caching() {
        PromptCacheStage stage = new PromptCacheStage(config, h.registry);
        Reply r = h.run(stage, StageHarness.request("gpt-4o", chat()), Map.of("x-tokenwise-feature", "support"));
        assertThat(h.received.messages()).isEqualTo(chat());
        assertThat(r.applied()).isEmpty();
    }
}
