package dev.tokenwise.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GuardsTest {
    private static String refusal(String a, String b) {
        return Guards.refusal(TextSignals.of(a), TextSignals.of(b));
    }

    @Test
    void different_numbers_are_refused() {
        assertThat(refusal("What major events happened in 2002?", "What major events happened in 1992?")).isEqualTo("number-mismatch");
        assertThat(refusal("Top three movies of the year?", "Top five movies of the year?")).isEqualTo("number-mismatch");
    }

    @Test
    void a_negation_on_one_side_only_is_refused() {
        assertThat(refusal("Why is my phone charging?", "Why is my phone not charging?")).isEqualTo("negation-mismatch");
        assertThat(refusal("Why does it work?", "Why doesn't it work?")).isEqualTo("negation-mismatch");
    }

    @Test
    void a_named_entity_missing_on_the_other_side_is_refused() {
        assertThat(refusal("What is the capital of France?", "What is the capital of Germany?")).isEqualTo("entity-mismatch");
        assertThat(refusal("How do I learn Java quickly?", "How do I learn Python quickly?")).isEqualTo("entity-mismatch");
    }

    @Test
    void casing_alone_is_not_an_entity_mismatch() {
        assertThat(refusal("How do I install Python on Windows?", "how do i install python on windows?")).isNull();
    }

    @Test
    void a_different_question_type_is_refused() {
        assertThat(refusal("Why do cats purr?", "How do cats purr?")).isEqualTo("question-type-mismatch");
        assertThat(refusal("When did the war end?", "Where did the war end?")).isEqualTo("question-type-mismatch");
    }

    @Test
    void equivalent_question_words_are_not_a_mismatch() {
        assertThat(refusal("What is the best laptop for students?", "Which is the best laptop for students?")).isNull();
        assertThat(refusal("What is the best way to learn guitar?", "How can I learn guitar?")).isNull();
        assertThat(refusal("What's the capital of Peru?", "What is the capital of Peru?")).isNull();
    }

    @Test
    void a_plain_paraphrase_passes_every_guard() {
        assertThat(refusal("How can I lose weight fast?", "How do I lose weight quickly?")).isNull();
    }

    @Test
    void only_the_enabled_guards_refuse() {
        TextSignals a = TextSignals.of("How do I learn Java quickly?");
        TextSignals b = TextSignals.of("How do I learn Python quickly?");
        assertThat(Guards.refusal(a, b, java.util.Set.of("number", "negation"))).isNull();
        assertThat(Guards.refusal(a, b, java.util.Set.of("entity"))).isEqualTo("entity-mismatch");
        TextSignals y1 = TextSignals.of("Why did Rome fall in 476?");
        TextSignals y2 = TextSignals.of("How did Rome fall in 410?");
        assertThat(Guards.refusal(y1, y2, java.util.Set.of("question-type"))).isEqualTo("question-type-mismatch");
        assertThat(Guards.refusal(y1, y2, Guards.NAMES)).isEqualTo("number-mismatch");
    }
}
