package dev.tokenwise.gateway.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.Message;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Reply;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputCapStageTest {
    private final StageHarness h = new StageHarness();

    private static ChatRequest ask(Integer maxTokens) {
        ChatRequest r = StageHarness.request("gpt-4o", List.of(Message.of("system", "You help with billing."), Message.of("user", "Why was I charged twice?")));
        return maxTokens == null ? r : r.withMaxTokens(maxTokens);
    }

    @Test
    void the_cap_lowers_a_missing_or_larger_max_tokens_and_never_raises_a_smaller_one() {
        OutputCapStage stage = new OutputCapStage(StageHarness.config(
                "context:\n  routes:\n    - feature: billing\n      output: {max_tokens: 100}\n"), new LengthMonitor());
        Reply r = h.run(stage, ask(null), StageHarness.feature("billing"));
        assertThat(h.received.maxTokens()).hasValue(100);
        assertThat(r.applied()).containsExactly(new Applied(Applied.OUTPUT_CAP, "max_tokens unset -> 100"));
        h.run(stage, ask(4000), StageHarness.feature("billing"));
        assertThat(h.received.maxTokens()).hasValue(100);
        Reply small = h.run(stage, ask(20), StageHarness.feature("billing"));
        assertThat(h.received.maxTokens()).hasValue(20);
        assertThat(small.applied()).isEmpty();
    }

    @Test
    void the_concise_instruction_goes_right_after_the_system_prompt() {
        OutputCapStage stage = new OutputCapStage(StageHarness.config(
                "context:\n  routes:\n    - feature: billing\n      output: {task_type: support}\n"), new LengthMonitor());
        Reply r = h.run(stage, ask(null), StageHarness.feature("billing"));
        assertThat(h.received.messages()).extracting(Message::role).containsExactly("system", "system", "user");
        assertThat(h.received.messages().get(1).text()).isEqualTo(Instructions.BY_TASK.get("support"));
        assertThat(h.received.maxTokens()).isEmpty();
        assertThat(r.applied()).containsExactly(new Applied(Applied.OUTPUT_CAP, "concise instruction (support)"));
    }

    @Test
    void answers_cut_by_the_cap_are_counted_and_a_high_rate_disables_the_cap() {
        // The mock answers with 40 words, so a 5-token cap cuts every answer.
        LengthMonitor monitor = new LengthMonitor();
        OutputCapStage stage = new OutputCapStage(StageHarness.config("""
                context:
                  routes:
                    - feature: billing
                      output: {max_tokens: 5, min_samples: 3, window: 10, length_rate_threshold: 0.5, on_exceed: disable}
                """), monitor);
        for (int i = 0; i < 3; i++) {
            Reply r = h.run(stage, ask(null), StageHarness.feature("billing"));
            assertThat(r.response().finishReason()).isEqualTo("length");
        }
        LengthMonitor.RouteStats s = monitor.snapshot().get(0);
        assertThat(s.route()).isEqualTo("billing/*");
        assertThat(s.capped()).isEqualTo(3);
        assertThat(s.lengthStops()).isEqualTo(3);
        assertThat(s.windowRate()).isEqualTo(1.0);
        assertThat(s.capDisabled()).isTrue();
        Reply after = h.run(stage, ask(null), StageHarness.feature("billing"));
        assertThat(h.received.maxTokens()).isEmpty();
        assertThat(after.response().finishReason()).isEqualTo("stop");
        assertThat(monitor.snapshot().get(0).capped()).isEqualTo(3);
    }

    @Test
    void with_on_exceed_warn_the_cap_stays_and_the_route_is_flagged() {
        LengthMonitor monitor = new LengthMonitor();
        OutputCapStage stage = new OutputCapStage(StageHarness.config("""
                context:
                  routes:
                    - feature: billing
                      output: {max_tokens: 5, min_samples: 2, window: 4}
                """), monitor);
        for (int i = 0; i < 2; i++) h.run(stage, ask(null), Map.of("x-tokenwise-feature", "billing"));
        assertThat(monitor.snapshot().get(0).overThreshold()).isTrue();
        assertThat(monitor.capDisabled("billing/*")).isFalse();
        h.run(stage, ask(null), StageHarness.feature("billing"));
        assertThat(h.received.maxTokens()).hasValue(5);
    }
}
