package dev.tokenwise.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HitVerifierTest {
    private final HitVerifier verifier = HitVerifier.bundled();

    private static float[] randomUnit(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[384];
        double n = 0;
        for (int i = 0; i < v.length; i++) { v[i] = (float) rnd.nextDouble(-1, 1); n += v[i] * v[i]; }
        for (int i = 0; i < v.length; i++) v[i] /= (float) Math.sqrt(n);
        return v;
    }

    @Test
    void the_bundled_model_is_a_pair_net_with_hard_number_and_negation_guards() {
        assertThat(verifier.model().features()).isEqualTo(PairFeatures.NAMES);
        assertThat(verifier.model().defaultThreshold()).isBetween(0.5, 1.0);
        assertThat(verifier.model().trainedOn()).contains("TRAIN split").contains("out-of-fold");
        assertThat(verifier.model().net()).isNotNull();
        assertThat(verifier.model().net().dims()).isEqualTo(384);
        assertThat(verifier.model().hardGuards()).contains("number", "negation");
    }

    @Test
    void the_same_words_in_another_case_and_punctuation_are_the_same_question() {
        float[] v = randomUnit(1);
        HitVerifier.Verdict verdict = verifier.judge(TextSignals.of("how do i reset my password"),
                TextSignals.of("How do I reset my password?"), 0.97, v, randomUnit(2));
        assertThat(verdict.score()).isEqualTo(1.0);
        assertThat(verdict.accepts(verifier.model().defaultThreshold())).isTrue();
    }

    @Test
    void contractions_are_the_words_they_stand_for() {
        assertThat(TextSignals.of("What's your return policy?").sameWords(TextSignals.of("What is your return policy"))).isTrue();
        assertThat(TextSignals.of("Why can't I log in?").sameWords(TextSignals.of("why can not I log in"))).isTrue();
        assertThat(TextSignals.of("Why cannot I log in?").sameWords(TextSignals.of("Why can't I log in?"))).isTrue();
        assertThat(TextSignals.of("I won't renew, what're my options?").sameWords(TextSignals.of("I will not renew. What are my options?"))).isTrue();
        assertThat(TextSignals.of("Why doesn't it start?").sameWords(TextSignals.of("Why does it not start?"))).isFalse();
        assertThat(TextSignals.of("Why doesn't it start?").sameWords(TextSignals.of("Why does it start?"))).isFalse();
        assertThat(TextSignals.of("What's your return policy?").sameWords(TextSignals.of("What was your return policy?"))).isFalse();
        assertThat(TextSignals.of("?").sameWords(TextSignals.of("!"))).isFalse();
        HitVerifier.Verdict verdict = verifier.judge(TextSignals.of("What's your refund policy?"),
                TextSignals.of("What is your refund policy?"), 0.9, randomUnit(5), randomUnit(6));
        assertThat(verdict.score()).isEqualTo(1.0);
    }

    @Test
    void a_hard_guard_refuses_even_at_cosine_one() {
        float[] v = randomUnit(3);
        HitVerifier.Verdict verdict = verifier.judge(TextSignals.of("Is 7 a prime number?"), TextSignals.of("Is 9 a prime number?"), 1.0, v, v);
        assertThat(verdict.refusal()).isEqualTo("number-mismatch");
        assertThat(verdict.accepts(0.01)).isFalse();
        HitVerifier.Verdict negated = verifier.judge(TextSignals.of("Why is my phone charging?"),
                TextSignals.of("Why is my phone not charging?"), 1.0, v, v);
        assertThat(negated.refusal()).isEqualTo("negation-mismatch");
    }

    @Test
    void a_soft_guard_is_only_a_feature_and_does_not_refuse() {
        float[] v = randomUnit(4);
        TextSignals q = TextSignals.of("How do I learn Java quickly?");
        HitVerifier.Verdict otherName = verifier.judge(q, TextSignals.of("How can I learn Python fast?"), 0.95, v, v);
        assertThat(Guards.refusal(q, TextSignals.of("How can I learn Python fast?"))).isEqualTo("entity-mismatch");
        assertThat(otherName.refusal()).isNull();
        assertThat(otherName.score()).isBetween(0.0, 1.0);
    }

    @Test
    void the_score_rises_with_vector_agreement_and_word_overlap() {
        float[] u = randomUnit(5);
        TextSignals q = TextSignals.of("How can I improve my English speaking skills?");
        double close = verifier.judge(q, TextSignals.of("How can I improve my spoken English skills?"), 1.0, u, u).score();
        double far = verifier.judge(q, TextSignals.of("How can I get better at talking to people at parties?"),
                PairFeatures.dot(u, randomUnit(6)), u, randomUnit(6)).score();
        assertThat(close).isGreaterThan(far);
    }

    @Test
    void a_neural_model_needs_both_vectors() {
        TextSignals q = TextSignals.of("How can I improve my English?");
        TextSignals c = TextSignals.of("How do I get better at English?");
        assertThatThrownBy(() -> verifier.judge(q, c, 0.9, null, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_linear_model_refuses_on_every_guard() {
        double[] zeros = new double[PairFeatures.NAMES.size()];
        double[] ones = new double[zeros.length];
        java.util.Arrays.fill(ones, 1);
        HitVerifier linear = new HitVerifier(new VerifierModel(PairFeatures.NAMES, zeros, ones, zeros, 5, 0.5, "test", null));
        assertThat(linear.model().hardGuards()).isEqualTo(Guards.NAMES);
        assertThat(linear.judge(TextSignals.of("How do I learn Java?"), TextSignals.of("How do I learn Python?"), 0.9, null, null)
                .refusal()).isEqualTo("entity-mismatch");
        assertThat(Set.copyOf(VerifierModel.fromJson(linear.model().toJson()).hardGuards())).isEqualTo(Guards.NAMES);
    }
}
