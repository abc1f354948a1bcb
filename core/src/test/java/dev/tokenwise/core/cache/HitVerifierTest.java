package dev.tokenwise.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HitVerifierTest {
    private final HitVerifier verifier = HitVerifier.bundled();

    @Test
    void the_bundled_model_matches_the_feature_list_and_has_a_threshold() {
        assertThat(verifier.model().features()).isEqualTo(PairFeatures.NAMES);
        assertThat(verifier.model().defaultThreshold()).isBetween(0.5, 1.0);
        assertThat(verifier.model().trainedOn()).contains("TRAIN split");
    }

    @Test
    void the_same_words_in_another_case_and_punctuation_are_the_same_question() {
        HitVerifier.Verdict v = verifier.judge(TextSignals.of("how do i reset my password"), TextSignals.of("How do I reset my password?"), 0.97);
        assertThat(v.score()).isEqualTo(1.0);
        assertThat(v.accepts(verifier.model().defaultThreshold())).isTrue();
    }

    @Test
    void a_guard_refuses_even_at_cosine_one() {
        HitVerifier.Verdict v = verifier.judge(TextSignals.of("Is 7 a prime number?"), TextSignals.of("Is 9 a prime number?"), 1.0);
        assertThat(v.refusal()).isEqualTo("number-mismatch");
        assertThat(v.accepts(0.01)).isFalse();
    }

    @Test
    void the_score_rises_with_cosine_and_word_overlap() {
        TextSignals q = TextSignals.of("How can I improve my English speaking skills?");
        double close = verifier.judge(q, TextSignals.of("How can I improve my English speaking skills?"), 0.99).score();
        double far = verifier.judge(q, TextSignals.of("How can I get better at talking to people at parties?"), 0.80).score();
        assertThat(close).isGreaterThan(far);
    }
}
