package dev.tokenwise.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokenwise.core.cache.HitVerifier;
import dev.tokenwise.core.cache.PairFeatures;
import dev.tokenwise.core.cache.TextSignals;
import dev.tokenwise.core.cache.VerifierModel;
import java.util.Optional;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every embedding model in the build loads, embeds, and comes with a verifier trained on its
 * vectors (the default build holds MiniLM; {@code -Pembedding-models} adds bge-small and e5-small).
 */
class SemanticModelTest {
    @ParameterizedTest
    @EnumSource(SemanticModel.class)
    void the_model_embeds_unit_vectors_and_its_verifier_loads_for_them(SemanticModel model) {
        assumeTrue(model.inBuild() || model == SemanticModel.DEFAULT, model.id() + " is not in this build");
        Embedder embedder = Embedder.of(model);
        float[] a = embedder.embed("How do I lose weight quickly?");
        float[] b = embedder.embed("How can I lose weight fast?");
        float[] c = embedder.embed("What is the capital of France?");
        assertThat(a).hasSize(embedder.dimensions());
        assertThat(PairFeatures.dot(a, a)).isCloseTo(1.0, Offset.offset(1e-4));
        assertThat(PairFeatures.dot(a, b)).isGreaterThan(PairFeatures.dot(a, c));

        VerifierModel verifier = VerifierModel.bundled(model.verifier());
        assertThat(verifier.net().dims()).isEqualTo(embedder.dimensions());
        HitVerifier hits = new HitVerifier(verifier);
        double paraphrase = hits.judge(TextSignals.of("How do I lose weight quickly?"), TextSignals.of("How can I lose weight fast?"),
                PairFeatures.dot(a, b), a, b).score();
        double other = hits.judge(TextSignals.of("How do I lose weight quickly?"), TextSignals.of("What is the capital of France?"),
                PairFeatures.dot(a, c), a, c).score();
        assertThat(paraphrase).isGreaterThan(0.9);
        assertThat(other).isLessThan(0.1);
    }

    @ParameterizedTest
    @EnumSource(SemanticModel.class)
    void every_model_has_its_own_bundled_verifier_even_when_the_model_is_not_in_the_build(SemanticModel model) {
        VerifierModel verifier = VerifierModel.bundled(model.verifier());
        assertThat(verifier.net().dims()).isEqualTo(384);
        assertThat(verifier.trainedOn()).contains("--embedding-model " + model.id() + " ");
    }

    @ParameterizedTest
    @EnumSource(SemanticModel.class)
    void ids_resolve_in_any_case(SemanticModel model) {
        assertThat(SemanticModel.byId(model.id().toUpperCase())).contains(model);
    }

    @org.junit.jupiter.api.Test
    void an_unknown_id_resolves_to_nothing() {
        assertThat(SemanticModel.byId("text-embedding-3-small")).isEqualTo(Optional.empty());
    }
}
