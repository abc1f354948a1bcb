package dev.tokenwise.audit.find;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.audit.read.Hash64;
import dev.tokenwise.core.cache.HitVerifier;
import dev.tokenwise.gateway.cache.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NearDuplicatesTest {
    static final String RETURNS = "What is your return policy?";
    static final String RETURNS_SHORT = "What's your return policy?";
    static final String REFUNDS = "What is your refund policy?";
    static final String REFUNDS_SHORT = "What's your refund policy?";
    static final String CANADA = "Do you ship to Canada?";
    static final String MEXICO = "Do you ship to Mexico?";
    static final String PASSWORD = "How do I reset my password?";
    static final String USERNAME = "How do I reset my username?";
    static final String CANCEL = "How do I cancel my subscription?";
    static final String PAUSE = "How do I pause my subscription?";
    static final String UNRELATED = "Which payment methods do you accept?";

    static NearDuplicates.Prompt prompt(String text, long requests) {
        return new NearDuplicates.Prompt(Hash64.of(MinHash.normalise(text)), text, requests);
    }

    @Test
    void minhash_proposes_lexically_close_prompts_and_keeps_unrelated_ones_apart() {
        int[] g = MinHash.cluster(List.of(RETURNS, RETURNS_SHORT, CANADA, MEXICO, UNRELATED));
        assertThat(g[1]).isEqualTo(g[0]);
        assertThat(g[3]).isEqualTo(g[2]);
        assertThat(g[4]).isNotIn(g[0], g[2]);
        assertThat(MinHash.normalise("  What IS your return-policy??")).isEqualTo("what is your return policy");
    }

    @Test
    void the_semantic_cache_model_confirms_paraphrases_and_rejects_near_misses() {
        List<NearDuplicates.Prompt> prompts = new ArrayList<>(List.of(prompt(RETURNS, 30), prompt(RETURNS_SHORT, 5),
                prompt(REFUNDS, 20), prompt(REFUNDS_SHORT, 4), prompt(CANADA, 10), prompt(MEXICO, 3), prompt(PASSWORD, 8),
                prompt(USERNAME, 2), prompt(CANCEL, 6), prompt(PAUSE, 6), prompt(UNRELATED, 1)));
        NearDuplicates.Result r = new NearDuplicates(Embedder::miniLm, HitVerifier.bundled()).confirm(prompts);
        Map<Long, Long> c = r.clusters();
        // paraphrases: served from the group's most frequent wording
        assertThat(c.get(key(RETURNS_SHORT))).isEqualTo(key(RETURNS));
        assertThat(c.get(key(REFUNDS_SHORT))).isEqualTo(key(REFUNDS));
        // near misses: a different country, account field or action is a different question
        for (String s : List.of(RETURNS, REFUNDS, CANADA, MEXICO, PASSWORD, USERNAME, CANCEL, PAUSE, UNRELATED)) {
            assertThat(c.get(key(s))).as(s).isEqualTo(key(s));
        }
        assertThat(r.stats().confirmedGroups()).isEqualTo(2);
        assertThat(r.stats().candidateGroups()).isGreaterThanOrEqualTo(4);
        assertThat(r.stats().embedded()).isEqualTo(prompts.size() - 1);
        assertThat(r.stats().unchecked()).isZero();
    }

    static long key(String text) {
        return Hash64.of(MinHash.normalise(text));
    }
}
