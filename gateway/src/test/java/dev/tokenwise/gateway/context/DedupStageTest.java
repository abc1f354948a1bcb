package dev.tokenwise.gateway.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.context.Deduplicator;
import dev.tokenwise.core.wire.Message;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Reply;
import java.util.List;
import org.junit.jupiter.api.Test;

class DedupStageTest {
    static final String DOC = "Clause 7. The tenant pays rent on the first working day of each month; late payment "
            + "accrues interest at 4% a year and after 30 days the landlord may terminate the lease with notice. ";

    @Test
    void a_document_pasted_twice_and_a_repeated_system_prompt_are_sent_once() {
        StageHarness h = new StageHarness();
        DedupStage stage = new DedupStage(StageHarness.config("context:\n  routes:\n    - model: gpt-4o\n      dedup: {}\n"));
        List<Message> m = List.of(Message.of("system", "You are a legal assistant."),
                Message.of("user", "Lease:\n\n" + DOC.repeat(3) + "\n\nWhen is rent due?"),
                Message.of("assistant", "On the first working day."),
                Message.of("system", "You are a legal assistant."),
                Message.of("user", "Lease again:\n\n" + DOC.repeat(3) + "\n\nWhat about late payment?"));
        Reply r = h.run(stage, StageHarness.request("gpt-4o", m), java.util.Map.of());
        assertThat(h.received.messages()).hasSize(4);
        assertThat(h.received.messages().get(3).text()).contains(Deduplicator.NOTE).doesNotContain("Clause 7");
        assertThat(h.received.messages().get(1)).isEqualTo(m.get(1));
        assertThat(r.applied()).singleElement().satisfies(a -> {
            assertThat(a.strategy()).isEqualTo(Applied.DEDUP);
            assertThat(a.detail()).matches("removed \\d+ tokens \\(1 repeated system prompts, 1 repeated blocks\\)");
        });
    }

    @Test
    void a_route_without_dedup_leaves_duplicates_alone() {
        StageHarness h = new StageHarness();
        DedupStage stage = new DedupStage(StageHarness.config("context:\n  routes:\n    - model: gpt-4o-mini\n      dedup: {}\n"));
        List<Message> m = List.of(Message.of("user", DOC.repeat(3)), Message.of("user", DOC.repeat(3)));
        Reply r = h.run(stage, StageHarness.request("gpt-4o", m), java.util.Map.of());
        assertThat(h.received.messages()).isEqualTo(m);
        assertThat(r.applied()).isEmpty();
    }
}
