package dev.tokenwise.gateway.cache.eval;

import dev.tokenwise.core.cache.Guards;
import dev.tokenwise.core.cache.PairFeatures;
import dev.tokenwise.core.cache.TextSignals;
import dev.tokenwise.core.cache.VerifierModel;
import dev.tokenwise.gateway.cache.Embedder;
import dev.tokenwise.gateway.cache.SemanticIndex;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains the hit verifier on the TRAIN split the way the cache will use it: every {@code text_b}
 * looks up its nearest cached {@code text_a}s, and each candidate that passes the guards becomes a
 * sample (positive only when it is the query's own partner with label 1). The shipped threshold is
 * the lowest one whose precision on these samples reaches {@code targetPrecision}.
 */
public final class VerifierTraining {
    /** Same candidate count and cosine floor as serving, so training sees what the cache sees. */
    static final int CANDIDATES = dev.tokenwise.gateway.cache.SemanticCache.CANDIDATES;
    static final double MIN_COSINE = dev.tokenwise.gateway.cache.SemanticCache.MIN_COSINE;

    private final Embedder embedder;
    private java.util.Map<String, Integer> lastGuardStats = java.util.Map.of();

    /** How the guards judged each training pair with its own partner, by label: a diagnostic. */
    public java.util.Map<String, Integer> guardStats() { return lastGuardStats; }

    public VerifierTraining(Embedder embedder) {
        this.embedder = embedder;
    }

    private record Sample(int query, double[] x, int y) {}

    public VerifierModel train(List<QuestionPair> pairs, double targetPrecision, String source, Progress progress) {
        return train(pairs, targetPrecision, 0, source, progress);
    }

    /** With {@code boostRounds > 0}, boosted trees are fitted on the logistic regression's residual. */
    public VerifierModel train(List<QuestionPair> pairs, double targetPrecision, int boostRounds, String source, Progress progress) {
        float[][] va = new float[pairs.size()][];
        try (SemanticIndex index = new SemanticIndex(null, Long.MAX_VALUE)) {
            for (int i = 0; i < pairs.size(); i++) {
                va[i] = embedder.embed(pairs.get(i).textA());
                index.add("train", pairs.get(i).textA(), va[i], ByteBuffer.allocate(4).putInt(i).array(), Long.MAX_VALUE);
                if (i % 100 == 0 || i == pairs.size() - 1) progress.update("embed text_a", i + 1, pairs.size());
            }
            index.refresh();
            List<Sample> samples = new ArrayList<>();
            java.util.Map<String, Integer> refusals = new java.util.TreeMap<>();
            for (int j = 0; j < pairs.size(); j++) {
                QuestionPair p = pairs.get(j);
                float[] vb = embedder.embed(p.textB());
                TextSignals q = TextSignals.of(p.textB());
                boolean ownSeen = false;
                for (SemanticIndex.Candidate c : index.search("train", vb, CANDIDATES)) {
                    int i = ByteBuffer.wrap(c.payload()).getInt();
                    if (i == j) ownSeen = true;
                    add(samples, j, q, c.text(), c.cosine(), i == j && p.label() == 1 ? 1 : 0);
                }
                if (!ownSeen) add(samples, j, q, p.textA(), dot(va[j], vb), p.label());
                String why = Guards.refusal(q, TextSignals.of(p.textA()));
                refusals.merge((p.label() == 1 ? "positive " : "negative ") + (why == null ? "passes" : why), 1, Integer::sum);
                if (j % 100 == 0 || j == pairs.size() - 1) progress.update("embed text_b", j + 1, pairs.size());
            }
            double[][] x = new double[samples.size()][];
            int[] y = new int[samples.size()];
            for (int k = 0; k < samples.size(); k++) {
                x[k] = samples.get(k).x();
                y[k] = samples.get(k).y();
            }
            lastGuardStats = refusals;
            progress.update("fit", 0, 1);
            VerifierModel model = VerifierModel.train(x, y, 1e-4, 3000, 0.5, "");
            if (boostRounds > 0) model = model.boosted(x, y, boostRounds);
            double threshold = chooseThreshold(model, samples, targetPrecision);
            long positives = pairs.stream().filter(p -> p.label() == 1).count();
            String how = String.format(Locale.ROOT, "%s, TRAIN split (even lines), %d pairs (%d positive), %d samples, "
                    + "logistic regression%s, threshold = lowest with training precision >= %.3f", source, pairs.size(), positives,
                    samples.size(), boostRounds > 0 ? " + " + boostRounds + " boosted depth-2 trees" : "", targetPrecision);
            progress.update("fit", 1, 1);
            return model.withDefaultThreshold(threshold, how);
        }
    }

    private static void add(List<Sample> samples, int query, TextSignals q, String cachedText, double cosine, int label) {
        if (cosine < MIN_COSINE) return;
        TextSignals c = TextSignals.of(cachedText);
        if (Guards.refusal(q, c) != null) return;
        samples.add(new Sample(query, PairFeatures.of(q, c, cosine), label));
    }

    /** Lowest threshold (grid 0.50..0.99) whose top-scored-candidate precision reaches the target. */
    static double chooseThreshold(VerifierModel model, List<Sample> samples, double target) {
        java.util.Map<Integer, double[]> best = new java.util.HashMap<>(); // query -> {score, label}
        for (Sample s : samples) {
            double score = model.score(s.x());
            double[] b = best.get(s.query());
            if (b == null || score > b[0]) best.put(s.query(), new double[] {score, s.y()});
        }
        for (int k = 50; k <= 99; k++) {
            double t = k / 100.0;
            long hits = 0, correct = 0;
            for (double[] b : best.values()) {
                if (b[0] >= t) {
                    hits++;
                    if (b[1] == 1) correct++;
                }
            }
            if (hits > 0 && (double) correct / hits >= target) return t;
        }
        return 0.99;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
