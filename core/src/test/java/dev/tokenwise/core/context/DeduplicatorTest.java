package dev.tokenwise.core.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.Message;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class DeduplicatorTest {
    private static final TokenCounter COUNTER = TokenCounter.forModel("gpt-4o");
    private static final String DOC = ("Section 4.2 of the contract says the supplier delivers within 30 days of the order "
            + "and pays a penalty of 1% per late day, capped at 10% of the order value. ").repeat(3);

    @Test
    void a_repeated_system_prompt_is_kept_once() {
        List<Message> m = List.of(Message.of("system", "Be brief."), Message.of("user", "Hi"),
                Message.of("assistant", "Hello"), Message.of("system", "Be  brief. "), Message.of("user", "Bye"));
        Deduplicator.Result r = Deduplicator.dedup(m, 200, COUNTER);
        assertThat(r.systemRemoved()).isEqualTo(1);
        assertThat(r.messages()).extracting(Message::text).containsExactly("Be brief.", "Hi", "Hello", "Bye");
        assertThat(r.tokensRemoved()).isPositive();
    }

    @Test
    void a_document_pasted_twice_keeps_its_first_copy() {
        List<Message> m = List.of(Message.of("user", "Here is the contract:\n\n" + DOC + "\n\nWhat is the penalty?"),
                Message.of("assistant", "1% per day."),
                Message.of("user", "Again, the contract:\n\n" + DOC + "\n\nWhat is the cap?"));
        Deduplicator.Result r = Deduplicator.dedup(m, 200, COUNTER);
        assertThat(r.blocksRemoved()).isEqualTo(1);
        assertThat(r.messages().get(0)).isEqualTo(m.get(0));
        assertThat(r.messages().get(2).text()).isEqualTo("Again, the contract:\n\n" + Deduplicator.NOTE + "\n\nWhat is the cap?");
        assertThat(r.tokensRemoved()).isGreaterThan(100);
    }

    @Test
    void short_repeated_lines_and_distinct_messages_are_untouched() {
        List<Message> m = List.of(Message.of("user", "Thanks!"), Message.of("assistant", "You're welcome."),
                Message.of("user", "Thanks!"));
        Deduplicator.Result r = Deduplicator.dedup(m, 200, COUNTER);
        assertThat(r.changed()).isFalse();
        assertThat(r.messages()).isEqualTo(m);
        assertThat(r.tokensRemoved()).isZero();
    }

    @Property(tries = 200)
    void dedup_never_adds_tokens_keeps_message_order_and_keeps_every_first_copy(
            @ForAll @IntRange(min = 1, max = 12) int count, @ForAll @IntRange(min = 0, max = 1000) int seed) {
        String[] pool = {DOC, "Short line.", "Another document block about shipping rules and refunds, long enough to count as a "
                + "document because it goes on and on about carriers, labels, parcels, warehouses and refunds in detail.", "Be brief."};
        List<Message> m = new ArrayList<>();
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < count; i++) {
            String role = i % 3 == 0 ? "system" : i % 3 == 1 ? "user" : "assistant";
            m.add(Message.of(role, pool[r.nextInt(pool.length)] + (r.nextBoolean() ? "\n\n" + pool[r.nextInt(pool.length)] : "")));
        }
        Deduplicator.Result res = Deduplicator.dedup(m, 100, COUNTER);
        assertThat(COUNTER.countMessages(res.messages())).isLessThanOrEqualTo(COUNTER.countMessages(m));
        assertThat(res.tokensRemoved()).isGreaterThanOrEqualTo(0);
        String joined = String.join("\n\n", res.messages().stream().map(Message::text).toList());
        for (Message x : m) for (String block : x.text().split("\n\n")) assertThat(joined).contains(block.strip());
        assertThat(res.messages().size()).isEqualTo(m.size() - res.systemRemoved());
    }
}
