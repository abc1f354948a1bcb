package dev.tokenwise.gateway.cache;

import dev.tokenwise.core.cache.HitVerifier;
import dev.tokenwise.core.cache.TextSignals;
import dev.tokenwise.core.cache.VerifierModel;
import java.nio.file.Path;
import java.util.List;

/**
 * The semantic cache: embeds the question, finds the nearest cached questions in the same
 * namespace, and lets the {@link HitVerifier} pick the best one that passes its guards. A hit needs
 * the verifier's score to reach the threshold; the cosine alone never decides.
 */
public final class SemanticCache implements AutoCloseable {
    /** Nearest neighbours examined per lookup: the nearest by cosine is not always the best match. */
    public static final int CANDIDATES = 4;
    /** Below this cosine a candidate is not even scored (all-MiniLM paraphrases sit far above). */
    public static final double MIN_COSINE = 0.75;

    private final Embedder embedder;
    private final SemanticIndex index;
    private final HitVerifier verifier;

    public SemanticCache(Embedder embedder, SemanticIndex index, HitVerifier verifier) {
        this.embedder = embedder;
        this.index = index;
        this.verifier = verifier;
    }

    /** The cache on {@code model} with its bundled verifier; {@code dir} null = index in memory. */
    public static SemanticCache open(SemanticModel model, Path dir, long maxEntries) {
        return new SemanticCache(Embedder.of(model), new SemanticIndex(dir, maxEntries),
                new HitVerifier(VerifierModel.bundled(model.verifier())));
    }

    public HitVerifier verifier() { return verifier; }

    public SemanticIndex index() { return index; }

    public float[] embed(String text) { return embedder.embed(text); }

    /**
     * The best candidate for a question, whatever its score (null when nothing in the namespace is
     * close): callers compare {@link Best#score()} with their threshold.
     */
    public Best best(String namespace, String text, float[] vector, long nowMillis) {
        List<SemanticIndex.Candidate> candidates = index.search(namespace, vector, CANDIDATES);
        TextSignals q = TextSignals.of(text);
        Best best = null;
        for (SemanticIndex.Candidate c : candidates) {
            if (c.cosine() < MIN_COSINE || c.expiresAtMillis() <= nowMillis) continue;
            HitVerifier.Verdict v = verifier.judge(q, TextSignals.of(c.text()), c.cosine(), vector, c.vector());
            if (best == null || v.score() > best.score()) best = new Best(c, v.score(), v.refusal());
        }
        return best;
    }

    public void add(String namespace, String text, float[] vector, byte[] payload, long expiresAtMillis) {
        index.add(namespace, text, vector, payload, expiresAtMillis);
        index.refresh();
    }

    /** The default verifier threshold (the bundled model's, chosen for precision). */
    public double defaultThreshold() {
        return verifier.model().defaultThreshold();
    }

    /** A scored candidate: a hit when {@code refusal == null && score >= threshold}. */
    public record Best(SemanticIndex.Candidate candidate, double score, String refusal) {
        public boolean hit(double threshold) {
            return refusal == null && score >= threshold;
        }
    }

    @Override
    public void close() {
        index.close();
    }
}
