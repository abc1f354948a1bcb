package dev.tokenwise.core.cache;

/**
 * Decides whether a semantic-cache candidate may answer a query: hard {@link Guards} first, then
 * the {@link VerifierModel}'s score against a threshold. Stronger than a cosine threshold alone,
 * which on Quora pairs serves a wrong answer about one hit in ten.
 */
public final class HitVerifier {
    private final VerifierModel model;

    public HitVerifier(VerifierModel model) {
        this.model = model;
    }

    public static HitVerifier bundled() {
        return new HitVerifier(VerifierModel.bundled());
    }

    public VerifierModel model() { return model; }

    /**
     * The verdict on one pair: the same words (ignoring case, punctuation and contractions) are the same
     * question (score 1); otherwise refused by one of the model's hard guards (score 0), or scored
     * by the model from the lexical features and both unit vectors (a linear model ignores the
     * vectors, which may then be null).
     */
    public Verdict judge(TextSignals query, TextSignals cached, double cosine, float[] queryVector, float[] cachedVector) {
        if (query.sameWords(cached)) return new Verdict(1, null);
        String refusal = Guards.refusal(query, cached, model.hardGuards());
        if (refusal != null) return new Verdict(0, refusal);
        return new Verdict(model.score(PairFeatures.of(query, cached, cosine), queryVector, cachedVector), null);
    }

    /**
     * @param score probability that both ask the same thing (0 when refused)
     * @param refusal the guard that refused, or null
     */
    public record Verdict(double score, String refusal) {
        public boolean accepts(double threshold) {
            return refusal == null && score >= threshold;
        }
    }
}
