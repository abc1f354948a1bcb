package dev.tokenwise.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.cache.HitVerifier;
import dev.tokenwise.core.cache.PairFeatures;
import dev.tokenwise.core.cache.TextSignals;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped verifier on real MiniLM vectors: known paraphrases and known different questions. */
class BundledVerifierTest {
    private static Embedder embedder;
    private static final HitVerifier VERIFIER = HitVerifier.bundled();

    @BeforeAll
    static void load() {
        embedder = Embedder.miniLm();
    }

    private static HitVerifier.Verdict judge(String query, String cached) {
        float[] q = embedder.embed(query);
        float[] c = embedder.embed(cached);
        return VERIFIER.judge(TextSignals.of(query), TextSignals.of(cached), PairFeatures.dot(q, c), q, c);
    }

    @Test
    void plain_paraphrases_score_high() {
        assertThat(judge("How do I lose weight quickly?", "How can I lose weight fast?").score()).isGreaterThan(0.9);
        assertThat(judge("How can I reset the password of my account?", "How do I reset my account password?").score()).isGreaterThan(0.9);
    }

    @Test
    void another_named_thing_scores_low_although_no_hard_guard_refuses() {
        HitVerifier.Verdict v = judge("How do I learn Python quickly?", "How do I learn Java quickly?");
        assertThat(v.refusal()).isNull();
        assertThat(v.score()).isLessThan(0.1);
        assertThat(judge("What is the capital of Germany?", "What is the capital of France?").score()).isLessThan(0.1);
    }

    @Test
    void embeddings_are_unit_vectors_and_repeatable() {
        float[] a = embedder.embed("Why is the sky blue?");
        assertThat(PairFeatures.dot(a, a)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(embedder.embed("Why is the sky blue?")).containsExactly(a);
    }
}
