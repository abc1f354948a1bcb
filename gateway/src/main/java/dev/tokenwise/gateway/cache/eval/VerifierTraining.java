package dev.tokenwise.gateway.cache.eval;

import dev.tokenwise.core.cache.Guards;
import dev.tokenwise.core.cache.PairFeatures;
import dev.tokenwise.core.cache.PairNet;
import dev.tokenwise.core.cache.TextSignals;
import dev.tokenwise.core.cache.VerifierModel;
import dev.tokenwise.gateway.cache.Embedder;
import dev.tokenwise.gateway.cache.SemanticCache;
import dev.tokenwise.gateway.cache.SemanticIndex;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Trains the hit verifier on the TRAIN split. By default each pair that passes the model's hard
 * guards is one sample labelled by its human verdict. Alternatively (not {@code ownPairsOnly}) the
 * way the evaluation protocol scores the cache: every {@code text_b} looks up its nearest cached
 * {@code text_a}s and each candidate is a sample, positive only when it is the query's own partner
 * with label 1; Quora repeats questions across pairs, so that teaches the model to refuse
 * paraphrases of popular questions, which is why it is not the default. The shipped threshold is
 * the lowest one whose precision reaches {@code targetPrecision} on out-of-fold scores of each
 * query's best candidate: the queries are split into folds, each fold is scored by a model trained
 * on the others, so the threshold is never chosen on scores of data a model saw. Candidates of
 * identical wording score 1 (the serving rule) and are not fitted.
 */
public final class VerifierTraining {
    /** What to train. */
    public enum Kind { LINEAR, NET }

    /**
     * @param kind linear (logistic regression, optional boosted trees, every guard hard) or net
     * @param boostRounds with LINEAR: boosted depth-2 trees on the residual (0 = none)
     * @param hardGuards with NET: the guards that refuse outright (the rest are only features)
     * @param net with NET: training settings
     * @param folds folds for the out-of-fold threshold (>= 2)
     * @param targetPrecision the out-of-fold precision the default threshold must reach
     * @param ownPairsOnly train on each pair alone instead of on the retrieved candidates
     */
    public record Options(Kind kind, int boostRounds, Set<String> hardGuards, PairNet.Settings net, int folds, double targetPrecision,
                          boolean ownPairsOnly) {}

    private final Embedder embedder;
    private Map<String, Integer> lastGuardStats = Map.of();
    private String lastOutOfFold = "";

    /** How the guards judged each training pair with its own partner, by label: a diagnostic. */
    public Map<String, Integer> guardStats() { return lastGuardStats; }

    /** Out-of-fold precision/recall at the chosen threshold, for the training log. */
    public String outOfFold() { return lastOutOfFold; }

    public VerifierTraining(Embedder embedder) {
        this.embedder = embedder;
    }

    /** One candidate pair; {@code identical} pairs are decided by the same-words rule, never by the model. */
    record Sample(int query, PairNet.Pair pair, int y, boolean identical) {}

    public VerifierModel train(List<QuestionPair> pairs, Options o, String source, Progress progress) {
        Set<String> hard = o.kind() == Kind.NET ? o.hardGuards() : Guards.NAMES;
        List<Sample> samples = samples(pairs, hard, o.ownPairsOnly(), progress);
        Function<List<Sample>, VerifierModel> fit = part -> fit(part, o, hard);
        double[] oof = new double[samples.size()];
        for (int f = 0; f < o.folds(); f++) {
            progress.update("cross-validation fold", f + 1, o.folds());
            List<Sample> in = new ArrayList<>();
            List<Integer> out = new ArrayList<>();
            for (int k = 0; k < samples.size(); k++) {
                if (samples.get(k).query() % o.folds() == f) out.add(k); else in.add(samples.get(k));
            }
            VerifierModel m = fit.apply(in);
            for (int k : out) oof[k] = score(m, samples.get(k));
        }
        progress.update("fit", 0, 1);
        VerifierModel model = fit.apply(samples);
        long positives = pairs.stream().filter(p -> p.label() == 1).count();
        double threshold = chooseThreshold(samples, oof, o.targetPrecision(), positives);
        double[] pr = precisionRecall(samples, oof, threshold, positives);
        StringBuilder log = new StringBuilder(String.format(Locale.ROOT,
                "out-of-fold over TRAIN queries (best sample per query; queries with an identically worded sample left out) at %.2f: precision %.4f, recall %.4f; curve",
                threshold, pr[0], pr[1]));
        for (int k = 50; k <= 99; k += k < 90 ? 5 : 1) {
            double[] c = precisionRecall(samples, oof, k / 100.0, positives);
            log.append(String.format(Locale.ROOT, " %.2f: %.4f/%.4f", k / 100.0, c[0], c[1]));
        }
        lastOutOfFold = log.toString();
        String what = o.kind() == Kind.NET
                ? String.format(Locale.ROOT, "pair net (%d hidden, %d epochs, seed %d) over |u-v|, u*v and lexical features, hard guards %s",
                        o.net().hidden(), o.net().epochs(), o.net().seed(), Guards.NAMES.stream().filter(hard::contains).toList())
                : "logistic regression" + (o.boostRounds() > 0 ? " + " + o.boostRounds() + " boosted depth-2 trees" : "");
        String how = String.format(Locale.ROOT, "%s, TRAIN split (even lines), %d pairs (%d positive), %d samples, %s, "
                + "threshold = lowest with %d-fold out-of-fold precision >= %.3f at recall >= 0.01, else the highest such precision", source, pairs.size(), positives,
                samples.size(), what, o.folds(), o.targetPrecision());
        progress.update("fit", 1, 1);
        return model.withDefaultThreshold(threshold, how);
    }

    private static VerifierModel fit(List<Sample> part, Options o, Set<String> hard) {
        List<Sample> modelled = part.stream().filter(s -> !s.identical()).toList();
        int[] y = new int[modelled.size()];
        for (int k = 0; k < y.length; k++) y[k] = modelled.get(k).y();
        if (o.kind() == Kind.NET) {
            PairNet net = PairNet.train(modelled.stream().map(Sample::pair).toList(), y, o.net());
            return VerifierModel.neural(net, hard, 0.5, "");
        }
        double[][] x = new double[modelled.size()][];
        for (int k = 0; k < x.length; k++) x[k] = modelled.get(k).pair().lexical();
        VerifierModel model = VerifierModel.train(x, y, 1e-4, 3000, 0.5, "");
        return o.boostRounds() > 0 ? model.boosted(x, y, o.boostRounds()) : model;
    }

    private static double score(VerifierModel m, Sample s) {
        return s.identical() ? 1 : m.score(s.pair().lexical(), s.pair().u(), s.pair().v());
    }

    /**
     * The samples, as serving sees them: every {@code text_b} looks up its 4 nearest {@code text_a}
     * (cosine >= 0.75) and each candidate that passes the hard guards is a sample, positive only
     * when it is the query's own partner with label 1; the own pair joins when retrieval missed it.
     * With {@code ownPairsOnly}, only each pair itself (labelled by its human verdict).
     */
    private List<Sample> samples(List<QuestionPair> pairs, Set<String> hard, boolean ownPairsOnly, Progress progress) {
        float[][] va = new float[pairs.size()][];
        try (SemanticIndex index = new SemanticIndex(null, Long.MAX_VALUE)) {
            for (int i = 0; i < pairs.size(); i++) {
                va[i] = embedder.embed(pairs.get(i).textA());
                if (!ownPairsOnly) index.add("train", pairs.get(i).textA(), va[i], ByteBuffer.allocate(4).putInt(i).array(), Long.MAX_VALUE);
                if (i % 100 == 0 || i == pairs.size() - 1) progress.update("embed text_a", i + 1, pairs.size());
            }
            index.refresh();
            List<Sample> samples = new ArrayList<>();
            Map<String, Integer> refusals = new TreeMap<>();
            for (int j = 0; j < pairs.size(); j++) {
                QuestionPair p = pairs.get(j);
                float[] vb = embedder.embed(p.textB());
                TextSignals q = TextSignals.of(p.textB());
                boolean ownSeen = false;
                if (!ownPairsOnly) {
                    for (SemanticIndex.Candidate c : index.search("train", vb, SemanticCache.CANDIDATES)) {
                        int i = ByteBuffer.wrap(c.payload()).getInt();
                        if (i == j) ownSeen = true;
                        if (c.cosine() >= SemanticCache.MIN_COSINE) add(samples, j, q, vb, c.text(), va[i], i == j && p.label() == 1 ? 1 : 0, hard);
                    }
                }
                double own = PairFeatures.dot(va[j], vb);
                if (!ownSeen && (ownPairsOnly || own >= SemanticCache.MIN_COSINE)) add(samples, j, q, vb, p.textA(), va[j], p.label(), hard);
                String why = Guards.refusal(q, TextSignals.of(p.textA()));
                refusals.merge((p.label() == 1 ? "positive " : "negative ") + (why == null ? "passes" : why), 1, Integer::sum);
                if (j % 100 == 0 || j == pairs.size() - 1) progress.update("embed text_b", j + 1, pairs.size());
            }
            lastGuardStats = refusals;
            return samples;
        }
    }

    private static void add(List<Sample> samples, int query, TextSignals q, float[] qv, String cachedText, float[] cv, int label, Set<String> hard) {
        TextSignals c = TextSignals.of(cachedText);
        if (Guards.refusal(q, c, hard) != null) return;
        boolean identical = q.sameWords(c);
        samples.add(new Sample(query, new PairNet.Pair(qv, cv, PairFeatures.of(q, c, PairFeatures.dot(qv, cv))), label, identical));
    }

    /**
     * Per query, the best-scored candidate {score, label}, as the cache serves. Queries with a
     * candidate of identical wording are left out: that candidate is served whatever the
     * threshold, so they say nothing about where the threshold should be.
     */
    private static Map<Integer, double[]> best(List<Sample> samples, double[] scores) {
        Set<Integer> identical = new java.util.HashSet<>();
        for (Sample s : samples) if (s.identical()) identical.add(s.query());
        Map<Integer, double[]> best = new java.util.HashMap<>();
        for (int k = 0; k < samples.size(); k++) {
            if (identical.contains(samples.get(k).query())) continue;
            double[] b = best.get(samples.get(k).query());
            if (b == null || scores[k] > b[0]) best.put(samples.get(k).query(), new double[] {scores[k], samples.get(k).y()});
        }
        return best;
    }

    /** {hits, correct} among the per-query best candidates scoring at least {@code t}. */
    private static long[] counts(Map<Integer, double[]> best, double t) {
        long hits = 0, correct = 0;
        for (double[] b : best.values()) {
            if (b[0] >= t) {
                hits++;
                if (b[1] == 1) correct++;
            }
        }
        return new long[] {hits, correct};
    }

    private static double[] precisionRecall(List<Sample> samples, double[] scores, double t, long positives) {
        long[] c = counts(best(samples, scores), t);
        return new double[] {c[0] == 0 ? 1 : (double) c[1] / c[0], positives == 0 ? 0 : (double) c[1] / positives};
    }

    /**
     * Lowest threshold (grid 0.50..0.99) whose out-of-fold precision reaches the target while
     * recalling at least 1% of the positives (fewer hits are no estimate of precision); when none
     * does, the one with the highest precision among those recalling at least 1% (the closest
     * this model gets), else 0.99.
     */
    static double chooseThreshold(List<Sample> samples, double[] scores, double target, long positives) {
        Map<Integer, double[]> best = best(samples, scores);
        double fallback = 0.99;
        double bestPrecision = -1;
        for (int k = 50; k <= 99; k++) {
            long[] c = counts(best, k / 100.0);
            if (c[0] == 0 || c[1] < 0.01 * positives) continue;
            double precision = (double) c[1] / c[0];
            if (precision >= target) return k / 100.0;
            if (precision > bestPrecision) {
                bestPrecision = precision;
                fallback = k / 100.0;
            }
        }
        return fallback;
    }
}
