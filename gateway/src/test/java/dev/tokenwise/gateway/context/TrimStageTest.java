package dev.tokenwise.gateway.context;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.Message;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrimStageTest {
    static final String LONG = "Please go over the configuration once more and tell me which of the settings matter most for a "
            + "team that works across three time zones and shares one calendar";

    static List<Message> history(int turns) {
        List<Message> m = new ArrayList<>();
        m.add(Message.of("system", "You are a scheduling assistant."));
        m.add(Message.of("user", "My name is Tomasz Nowak and my team ID is T-4410."));
        m.add(Message.of("assistant", "Nice to meet you, Tomasz."));
        for (int i = 0; i < turns; i++) {
            m.add(Message.of("user", LONG + " (" + i + ")?"));
            m.add(Message.of("assistant", "Sure: " + LONG.toLowerCase() + "."));
        }
        m.add(Message.of("user", "What is my team ID?"));
        return m;
    }

    private final StageHarness h = new StageHarness();
    private final ContextConfig config = StageHarness.config("""
            context:
              summariser_model: gpt-4o-mini
              routes:
                - feature: chat
                  trim: {budget_tokens: 500, keep_last_turns: 2, summary_max_tokens: 150, pin: {first_user_turns: 0}}
            """);

    @Test
    void a_long_history_is_trimmed_to_the_budget_and_the_summary_call_is_part_of_the_cost() {
        TrimStage stage = new TrimStage(config, new Summariser(h.registry, "gpt-4o-mini", System::nanoTime));
        ChatRequest req = StageHarness.request("gpt-4o", history(20));
        Reply r = h.run(stage, req, StageHarness.feature("chat"));

        TokenCounter counter = TokenCounter.forModel("gpt-4o");
        int before = counter.countMessages(req.messages());
        int after = counter.countMessages(h.received.messages());
        assertThat(after).isLessThanOrEqualTo(500 + 60).isLessThan(before / 2);
        assertThat(h.received.messages().get(0).text()).isEqualTo("You are a scheduling assistant.");
        assertThat(h.received.messages().get(h.received.messages().size() - 1).text()).isEqualTo("What is my team ID?");
        Message summary = h.received.messages().get(1);
        assertThat(summary.role()).isEqualTo("system");
        assertThat(summary.text()).startsWith("Summary of").contains("My name is Tomasz Nowak and my team ID is T-4410.");
        assertThat(r.applied()).containsExactly(new Applied(Applied.TRIM, r.applied().get(0).detail()));
        assertThat(r.applied().get(0).detail()).startsWith("removed " + (before - after) + " tokens");
        assertThat(r.calls()).extracting(c -> c.model()).containsExactly("gpt-4o-mini", "gpt-4o");
    }

    @Test
    void the_same_history_is_summarised_only_once() {
        TrimStage stage = new TrimStage(config, new Summariser(h.registry, "gpt-4o-mini", System::nanoTime));
        ChatRequest req = StageHarness.request("gpt-4o", history(20));
        h.run(stage, req, StageHarness.feature("chat"));
        Reply second = h.run(stage, req, StageHarness.feature("chat"));
        assertThat(second.calls()).extracting(c -> c.model()).containsExactly("gpt-4o");
        assertThat(second.applied().get(0).strategy()).isEqualTo(Applied.TRIM);
    }

    @Test
    void a_growing_conversation_reuses_its_summary_for_several_turns() {
        TrimStage stage = new TrimStage(config, new Summariser(h.registry, "gpt-4o-mini", System::nanoTime));
        int summaries = 0;
        List<Message> full = history(30);
        for (int turns = 20; turns < 30; turns++) {
            List<Message> m = new ArrayList<>(full.subList(0, 3 + 2 * turns));
            m.add(Message.of("user", "And now turn " + turns + "?"));
            Reply r = h.run(stage, StageHarness.request("gpt-4o", m), StageHarness.feature("chat"));
            assertThat(r.applied()).extracting(Applied::strategy).containsExactly(Applied.TRIM);
            summaries += (int) r.calls().stream().filter(c -> c.model().equals("gpt-4o-mini")).count();
        }
        assertThat(summaries).isBetween(1, 4);
    }

    @Test
    void requests_of_other_features_and_short_histories_pass_untouched() {
        TrimStage stage = new TrimStage(config, new Summariser(h.registry, null, System::nanoTime));
        ChatRequest req = StageHarness.request("gpt-4o", history(20));
        Reply r = h.run(stage, req, StageHarness.feature("other"));
        assertThat(h.received).isEqualTo(req);
        assertThat(r.applied()).isEmpty();
        ChatRequest small = StageHarness.request("gpt-4o", history(1));
        assertThat(h.run(stage, small, StageHarness.feature("chat")).applied()).isEmpty();
        assertThat(h.received).isEqualTo(small);
    }

    @Test
    void the_pin_field_keeps_a_message_and_never_reaches_the_provider() {
        TrimStage stage = new TrimStage(config, new Summariser(h.registry, null, System::nanoTime));
        List<Message> m = history(20);
        ObjectNode pinned = Message.of("user", "Keep this: the offsite is in Gdansk.").toJson();
        pinned.put("pin", true);
        m.set(7, new Message(pinned));
        h.run(stage, StageHarness.request("gpt-4o", m), Map.of("x-tokenwise-feature", "chat"));
        assertThat(h.received.messages()).extracting(Message::text).contains("Keep this: the offsite is in Gdansk.");
        assertThat(h.received.messages()).noneMatch(x -> x.raw().has("pin"));
    }
}
