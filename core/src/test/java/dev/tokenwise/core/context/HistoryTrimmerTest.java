package dev.tokenwise.core.context;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.Message;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class HistoryTrimmerTest {
    private static final TokenCounter COUNTER = TokenCounter.forModel("gpt-4o");

    @Test
    void a_conversation_within_budget_is_left_alone() {
        List<Message> m = Conversations.chat(2, "Hi", "Bye?");
        TrimPlan p = HistoryTrimmer.plan(m, new TrimPolicy(10_000, 2, 100, PinRule.NONE), COUNTER);
        assertThat(p.trimmed()).isFalse();
        assertThat(p.kept()).isEqualTo(m);
    }

    @Test
    void older_turns_are_dropped_and_system_prompt_and_last_turns_kept() {
        List<Message> m = Conversations.chat(20, "Hello there", "And finally?");
        TrimPlan p = HistoryTrimmer.plan(m, new TrimPolicy(400, 2, 100, PinRule.NONE), COUNTER);
        assertThat(p.trimmed()).isTrue();
        assertThat(p.kept().get(0)).isEqualTo(m.get(0));
        assertThat(p.kept().subList(p.kept().size() - 3, p.kept().size())).isEqualTo(m.subList(m.size() - 3, m.size()));
        assertThat(p.tokensKept()).isLessThanOrEqualTo(300);
        assertThat(p.summaryIndex()).isEqualTo(1);
        assertThat(p.kept().size() + p.dropped().size()).isEqualTo(m.size());
    }

    @Test
    void the_first_user_turn_and_its_answer_are_kept_when_pinned_by_position() {
        List<Message> m = Conversations.chat(20, "My order number is 4471.", "What was my order number?");
        TrimPlan p = HistoryTrimmer.plan(m, new TrimPolicy(400, 1, 100, new PinRule(null, 1, false)), COUNTER);
        assertThat(p.kept().subList(0, 3)).isEqualTo(m.subList(0, 3));
        assertThat(p.summaryIndex()).isEqualTo(3);
    }

    @Test
    void a_message_with_the_marker_or_a_pin_field_is_kept() {
        List<Message> m = new ArrayList<>(Conversations.chat(20, "Hello", "Question?"));
        m.set(9, Message.of("user", "#pin I am allergic to peanuts."));
        ObjectNode pinnedJson = Message.of("user", "Budget is 4000 dollars.").toJson();
        pinnedJson.put("pin", true);
        m.set(15, new Message(pinnedJson));
        TrimPlan p = HistoryTrimmer.plan(m, new TrimPolicy(300, 1, 50, new PinRule("#pin", 0, true)), COUNTER);
        assertThat(p.kept()).contains(m.get(9), m.get(15));
        assertThat(p.dropped()).isNotEmpty();
    }

    @Test
    void when_protected_messages_exceed_the_budget_every_unprotected_turn_goes() {
        List<Message> m = Conversations.chat(10, "Hello", "Question?");
        TrimPlan p = HistoryTrimmer.plan(m, new TrimPolicy(10, 1, 0, PinRule.NONE), COUNTER);
        assertThat(p.kept()).containsExactly(m.get(0), m.get(m.size() - 1));
    }

    @Test
    void dropping_in_steps_keeps_the_dropped_part_the_same_for_several_turns() {
        Set<List<Message>> stepped = new HashSet<>();
        Set<List<Message>> exact = new HashSet<>();
        List<Message> full = Conversations.chat(30, "Hello", "Last?");
        for (int turns = 20; turns < 30; turns++) {
            List<Message> m = new ArrayList<>(full.subList(0, 3 + 2 * turns));
            m.add(Message.of("user", "Question " + turns + "?"));
            TrimPlan s6 = HistoryTrimmer.plan(m, new TrimPolicy(400, 2, 100, PinRule.NONE, 6), COUNTER);
            TrimPlan s1 = HistoryTrimmer.plan(m, new TrimPolicy(400, 2, 100, PinRule.NONE, 1), COUNTER);
            assertThat(s6.dropped().size() % 6).isZero();
            assertThat(s6.dropped().size()).isGreaterThanOrEqualTo(s1.dropped().size()).isLessThan(s1.dropped().size() + 6);
            stepped.add(s6.dropped());
            exact.add(s1.dropped());
        }
        assertThat(exact).hasSize(10);
        assertThat(stepped.size()).isLessThanOrEqualTo(4);
    }

    @Test
    void whole_turns_are_dropped_so_the_kept_history_starts_with_a_question() {
        List<Message> m = Conversations.chat(20, "Hello", "Question?");
        for (int budget = 150; budget < 900; budget += 37) {
            TrimPlan p = HistoryTrimmer.plan(m, new TrimPolicy(budget, 2, 40, PinRule.NONE, 1), COUNTER);
            if (!p.trimmed()) continue;
            assertThat(p.kept().get(p.summaryIndex()).role()).as("first kept message after the summary, budget %d", budget).isEqualTo("user");
            assertThat(p.dropped().get(0).role()).isEqualTo("user");
            assertThat(p.dropped().get(p.dropped().size() - 1).role()).isEqualTo("assistant");
        }
    }

    @Property(tries = 200)
    void a_tool_call_is_never_separated_from_its_results(@ForAll @IntRange(min = 0, max = 12) int turns,
                                                         @ForAll @IntRange(min = 50, max = 2000) int budget,
                                                         @ForAll @IntRange(min = 1, max = 4) int keepLast) {
        List<Message> m = new ArrayList<>();
        m.add(Message.of("system", "sys"));
        for (int i = 0; i < turns; i++) {
            m.add(Message.of("user", Conversations.FILLER));
            m.add(Conversations.toolCall("call_" + i));
            m.add(Conversations.toolResult("call_" + i));
            if (i % 2 == 0) m.add(Conversations.toolResult("call_" + i + "_b"));
            m.add(Message.of("assistant", "done " + i));
        }
        m.add(Message.of("user", "last?"));
        TrimPlan p = HistoryTrimmer.plan(m, new TrimPolicy(budget, keepLast, 20, PinRule.NONE), COUNTER);
        Set<String> keptCalls = new HashSet<>();
        for (Message k : p.kept()) if (k.hasToolCalls()) keptCalls.add(k.raw().get("tool_calls").get(0).get("id").asText());
        for (Message k : p.kept()) {
            if ("tool".equals(k.role())) {
                assertThat(keptCalls).contains(k.toolCallId().replace("_b", ""));
            }
        }
        for (int i = 0; i < p.kept().size(); i++) {
            if (p.kept().get(i).hasToolCalls()) assertThat(p.kept().get(i + 1).role()).isEqualTo("tool");
        }
        assertThat(p.kept().get(p.kept().size() - 1)).isEqualTo(m.get(m.size() - 1));
    }
}
