package dev.tokenwise.gateway.cache.eval;

import dev.tokenwise.core.cache.Guards;
import dev.tokenwise.core.cache.PairFeatures;
import dev.tokenwise.core.cache.PairNet;
import dev.tokenwise.core.cache.TextSignals;
import dev.tokenwise.core.cache.VerifierModel;
import dev.tokenwise.gateway.cache.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Trains the hit verifier on the TRAIN split: each pair that passes the model's hard guards is a
 * sample labelled by its human verdict. (Candidates from other pairs are not used: Quora repeats
 * questions across pairs, so "not my partner" is no label for "a different question".) The
 * shipped threshold is the lowest one whose precision over the TRAIN pairs reaches
 * {@code targetPrecision} on out-of-fold scores: the pairs are split into folds, each fold is
 * scored by a model trained on the others, so the threshold is never chosen on scores of the data
 * a model saw. Pairs of identical wording score 1 (the serving rule) and are not fitted.
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
     */
    public record Options(Kind kind, int boostRounds, Set<String> hardGuards, PairNet.Settings net, int folds, double targetPrecision) {}

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
        List<Sample> samples = samples(pairs, hard, progress);
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
                "out-of-fold over TRAIN pairs at %.2f: precision %.4f, recall %.4f; curve",
                threshold, pr[0], pr[1]));
        for (int k = 50; k <= 99; k += k < 90 ? 5 : 1) {
            double[] c = precisionRecall(samples, oof, k / 100.0, positives);
            log.append(String.format(Locale.ROOT, " %.2f: %.4f/%.4f", k / 100.0, c[0], c[1]));
        }
        lastOutOfFold = log.toString();
        String what = o.kind() == Kind.NET
                ? String.format(Locale.ROOT, "pair net (%d hidden, %d epochs, seed %d) over |u-v|, u*v and lexical features, hard guards %s",
                        o.net().hidden(), o.net().epochs(), o.net().seed(), hard)
                : "logistic regression" + (o.boostRounds() > 0 ? " + " + o.boostRounds() + " boosted depth-2 trees" : "");
        String how = String.format(Locale.ROOT, "%s, TRAIN split (even lines), %d pairs (%d positive), %d samples, %s, "
                + "threshold = lowest with %d-fold out-of-fold precision >= %.3f, else the highest out-of-fold precision", source, pairs.size(), positives,
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

    /** One sample per TRAIN pair (its own, human-labelled verdict) that passes the hard guards. */
    private List<Sample> samples(List<QuestionPair> pairs, Set<String> hard, Progress progress) {
        List<Sample> samples = new ArrayList<>();
        Map<String, Integer> refusals = new TreeMap<>();
        for (int j = 0; j < pairs.size(); j++) {
            QuestionPair p = pairs.get(j);
            float[] va = embedder.embed(p.textA());
            float[] vb = embedder.embed(p.textB());
            TextSignals q = TextSignals.of(p.textB());
            TextSignals c = TextSignals.of(p.textA());
            String why = Guards.refusal(q, c);
            refusals.merge((p.label() == 1 ? "positive " : "negative ") + (why == null ? "passes" : why), 1, Integer::sum);
            if (Guards.refusal(q, c, hard) == null) {
                boolean identical = q.tokens().equals(c.tokens()) && !q.tokens().isEmpty();
                samples.add(new Sample(j, new PairNet.Pair(vb, va, PairFeatures.of(q, c, PairFeatures.dot(va, vb))), p.label(), identical));
            }
            if (j % 100 == 0 || j == pairs.size() - 1) progress.update("embed pairs", j + 1, pairs.size());
        }
        lastGuardStats = refusals;
        return samples;
    }

    /** {hits, correct} among the samples scoring at least {@code t}. */
    private static long[] counts(List<Sample> samples, double[] scores, double t) {
        long hits = 0, correct = 0;
        for (int k = 0; k < samples.size(); k++) {
            if (scores[k] >= t) {
                hits++;
                if (samples.get(k).y() == 1) correct++;
            }
        }
        return new long[] {hits, correct};
    }

    private static double[] precisionRecall(List<Sample> samples, double[] scores, double t, long positives) {
        long[] c = counts(samples, scores, t);
        return new double[] {c[0] == 0 ? 1 : (double) c[1] / c[0], positives == 0 ? 0 : (double) c[1] / positives};
    }

    /**
     * Lowest threshold (grid 0.50..0.99) whose precision over the pairs reaches the target; when
     * none does, the one with the highest precision among those recalling at least 1% of the
     * positives (the closest this model gets), else 0.99.
     */
    static double chooseThreshold(List<Sample> samples, double[] scores, double target, long positives) {
        double fallback = 0.99;
        double bestPrecision = -1;
        for (int k = 50; k <= 99; k++) {
            long[] c = counts(samples, scores, k / 100.0);
            if (c[0] == 0) continue;
            double precision = (double) c[1] / c[0];
            if (precision >= target) return k / 100.0;
            if (c[1] >= 0.01 * positives && precision > bestPrecision) {
                bestPrecision = precision;
                fallback = k / 100.0;
            }
        }
        return fallback;
    }
}
