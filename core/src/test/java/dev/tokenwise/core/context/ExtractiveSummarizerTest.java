package dev.tokenwise.core.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtractiveSummarizerTest {
    private static final TokenCounter COUNTER = TokenCounter.forModel("gpt-4o");

    @Test
    void sentences_with_names_numbers_and_constraints_are_kept_verbatim_and_small_talk_is_not() {
        List<Message> m = List.of(
                Message.of("user", "Hi there. My name is Dana Whitfield. I'm allergic to peanuts. Thanks so much."),
                Message.of("assistant", "Nice to meet you. Happy to help."),
                Message.of("user", "Our budget is $4,000 for the trip. Sounds good."));
        String s = ExtractiveSummarizer.summarise(m, 200, COUNTER);
        assertThat(s).contains("user: My name is Dana Whitfield.", "user: I'm allergic to peanuts.",
                "user: Our budget is $4,000 for the trip.");
        assertThat(s).doesNotContain("Thanks so much", "Happy to help", "Sounds good");
    }

    @Test
    void the_token_cap_keeps_the_strongest_facts() {
        List<Message> m = List.of(Message.of("user", "Please remember that my order 88123 ships to 12 Elm St."),
                Message.of("user", "I prefer email."));
        List<ExtractiveSummarizer.Fact> f = ExtractiveSummarizer.facts(m, 20, COUNTER);
        assertThat(f).extracting(ExtractiveSummarizer.Fact::sentence).containsExactly("Please remember that my order 88123 ships to 12 Elm St.");
        assertThat(ExtractiveSummarizer.summarise(m, 0, COUNTER)).isEmpty();
    }
}
