package dev.tokenwise.gateway.cache.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.cache.HitVerifier;
import dev.tokenwise.core.cache.PairFeatures;
import dev.tokenwise.core.cache.TextSignals;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.cache.Embedder;
import dev.tokenwise.gateway.cache.SemanticCache;
import dev.tokenwise.gateway.cache.SemanticIndex;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The semantic-cache benchmark of docs/EVALUATION.md: insert every {@code text_a} into an empty
 * cache (answer = the pair's position), query with every {@code text_b}. A hit on its own partner
 * with label 1 is correct; any other hit is false. Runs the same {@link SemanticCache} code the
 * gateway runs, and reports the curve over verifier thresholds plus the cosine-only baseline.
 */
public final class CacheEvaluation {
    private static final String NS = "eval";

    private final Embedder embedder;
    private final HitVerifier verifier;
    private final LongSupplier nanoTime;

    public CacheEvaluation(Embedder embedder, HitVerifier verifier, LongSupplier nanoTime) {
        this.embedder = embedder;
        this.verifier = verifier;
        this.nanoTime = nanoTime;
    }

    /** Per query: the verified best candidate and the plain nearest neighbour. */
    record Outcome(int bestIndex, double bestScore, boolean refused, int nearestIndex, double nearestCosine, boolean sameText) {}

    public ObjectNode run(List<QuestionPair> pairs, double threshold, Progress progress) {
        return run(pairs, threshold, 0, 0, progress);
    }

    /**
     * With {@code filler > 0}, that many synthetic entries join the index before the queries; the
     * first {@code warmup} queries are looked up once untimed before the timed pass (JIT warm-up).
     */
    public ObjectNode run(List<QuestionPair> pairs, double threshold, int filler, int warmup, Progress progress) {
        try (SemanticCache cache = new SemanticCache(embedder, new SemanticIndex(null, Long.MAX_VALUE), verifier)) {
            SemanticIndex index = cache.index();
            float[][] inserted = new float[pairs.size()][];
            for (int i = 0; i < pairs.size(); i++) {
                inserted[i] = embedder.embed(pairs.get(i).textA());
                index.add(NS, pairs.get(i).textA(), inserted[i],
                        ByteBuffer.allocate(4).putInt(i).array(), Long.MAX_VALUE);
                if (i % 100 == 0 || i == pairs.size() - 1) progress.update("insert", i + 1, pairs.size());
            }
            if (filler > 0 && !pairs.isEmpty()) {
                java.util.SplittableRandom rnd = new java.util.SplittableRandom(42);
                float[][] base = inserted;
                for (int f = 0; f < filler; f++) {
                    float[] a = base[rnd.nextInt(base.length)];
                    float[] b = base[rnd.nextInt(base.length)];
                    float[] m = new float[a.length];
                    double w = rnd.nextDouble();
                    double norm = 0;
                    for (int d = 0; d < m.length; d++) { m[d] = (float) (w * a[d] + (1 - w) * b[d] + 0.05 * rnd.nextDouble() - 0.025); norm += m[d] * m[d]; }
                    for (int d = 0; d < m.length; d++) m[d] /= (float) Math.sqrt(norm);
                    index.add(NS, "synthetic filler entry", m, ByteBuffer.allocate(4).putInt(pairs.size() + f).array(), Long.MAX_VALUE);
                    if (f % 1000 == 0 || f == filler - 1) progress.update("filler", f + 1, filler);
                }
            }
            index.refresh();
            long indexBytes = index.bytes();
            long entries = (long) pairs.size() + filler;
            for (int j = 0; j < Math.min(warmup, pairs.size()); j++) {
                String q = pairs.get(j).textB();
                cache.best(NS, q, embedder.embed(q), 0);
                if (j % 100 == 0) progress.update("warm-up", j + 1, Math.min(warmup, pairs.size()));
            }
            Outcome[] outcomes = new Outcome[pairs.size()];
            long[] latency = new long[pairs.size()];
            long[] embedding = new long[pairs.size()];
            double[] ownPairScore = new double[pairs.size()];
            double[] ownPairCosine = new double[pairs.size()];
            for (int j = 0; j < pairs.size(); j++) {
                String q = pairs.get(j).textB();
                long t0 = nanoTime.getAsLong();
                float[] v = embedder.embed(q);
                embedding[j] = nanoTime.getAsLong() - t0;
                SemanticCache.Best best = cache.best(NS, q, v, 0);
                latency[j] = nanoTime.getAsLong() - t0;
                List<SemanticIndex.Candidate> nearest = index.search(NS, v, 1);
                ownPairCosine[j] = PairFeatures.dot(v, inserted[j]);
                HitVerifier.Verdict own = verifier.judge(TextSignals.of(q), TextSignals.of(pairs.get(j).textA()),
                        ownPairCosine[j], v, inserted[j]);
                ownPairScore[j] = own.refusal() != null ? -1 : own.score();
                outcomes[j] = new Outcome(
                        best == null ? -1 : ByteBuffer.wrap(best.candidate().payload()).getInt(),
                        best == null ? 0 : best.score(), best != null && best.refusal() != null,
                        nearest.isEmpty() ? -1 : ByteBuffer.wrap(nearest.get(0).payload()).getInt(),
                        nearest.isEmpty() ? -1 : nearest.get(0).cosine(),
                        best != null && normal(best.candidate().text()).equals(normal(q)));
                if (j % 100 == 0 || j == pairs.size() - 1) progress.update("query", j + 1, pairs.size());
            }
            long positives = pairs.stream().filter(p -> p.label() == 1).count();
            ObjectNode out = Json.object();
            out.put("pairs", pairs.size());
            out.put("positives", positives);
            Counts at = verified(pairs, outcomes, threshold);
            out.put("threshold", threshold);
            out.put("precision", round(at.precision()));
            out.put("recall", round(at.recall(positives)));
            out.put("false_hit_rate", round(pairs.isEmpty() ? 0 : (double) at.false_ / pairs.size()));
            out.put("hits", at.correct + at.false_);
            out.put("false_hits", at.false_);
            long identical = 0;
            long ownPairLabel0 = 0;
            for (int j = 0; j < outcomes.length; j++) {
                Outcome o = outcomes[j];
                boolean hit = o.bestIndex >= 0 && !o.refused && o.bestScore >= threshold;
                if (hit && o.sameText && !(o.bestIndex == j && pairs.get(j).label() == 1)) identical++;
                if (hit && o.bestIndex == j && pairs.get(j).label() == 0) ownPairLabel0++;
            }
            // Not part of the protocol: which false hits were the query's own partner labelled a
            // different question, and which were another pair's stored question.
            out.put("false_hits_own_pair_label_0", ownPairLabel0);
            out.put("false_hits_other_pair", at.false_ - ownPairLabel0);
            // Not part of the protocol: false hits whose cached question has exactly the query's
            // words (the same question stored under another pair), shown so readers can judge them.
            out.put("false_hits_identical_text", identical);
            out.put("precision_identical_text_as_correct", round(at.correct + at.false_ == 0 ? 1
                    : (double) (at.correct + identical) / (at.correct + at.false_)));
            curve(out.putArray("curve"), pairs, outcomes, null, positives);
            double[] hitScore = new double[outcomes.length];
            boolean[] hitCorrect = new boolean[outcomes.length];
            for (int j = 0; j < outcomes.length; j++) {
                Outcome o = outcomes[j];
                hitScore[j] = o.bestIndex < 0 || o.refused ? -1 : o.bestScore;
                hitCorrect[j] = o.bestIndex == j && pairs.get(j).label() == 1;
            }
            operatingPoints(out, hitScore, hitCorrect, positives);
            unambiguous(out.putObject("unambiguous"), pairs, outcomes, threshold);
            pairLevel(out.putObject("pair_level"), pairs, ownPairScore, ownPairCosine, threshold, positives);
            ArrayNode baseline = out.putArray("cosine_baseline_curve");
            for (int k = 85; k <= 99; k++) {
                double t = k / 100.0;
                Counts c = cosineOnly(pairs, outcomes, t);
                baseline.addObject().put("threshold", t).put("precision", round(c.precision())).put("recall", round(c.recall(positives)));
            }
            long[] search = new long[latency.length];
            for (int j = 0; j < search.length; j++) search[j] = latency[j] - embedding[j];
            out.put("lookup_p50_us", percentileMicros(latency, 0.50));
            out.put("lookup_p99_us", percentileMicros(latency, 0.99));
            out.put("embed_p50_us", percentileMicros(embedding, 0.50));
            out.put("embed_p99_us", percentileMicros(embedding, 0.99));
            out.put("search_p50_us", percentileMicros(search, 0.50));
            out.put("search_p99_us", percentileMicros(search, 0.99));
            out.put("bytes_per_entry", entries == 0 ? 0 : indexBytes / entries);
            out.put("entries", entries);
            return out;
        }
    }

    private record Counts(long correct, long false_) {
        double precision() { return correct + false_ == 0 ? 1 : (double) correct / (correct + false_); }
        double recall(long positives) { return positives == 0 ? 0 : (double) correct / positives; }
    }

    private static void curve(ArrayNode curve, List<QuestionPair> pairs, Outcome[] outcomes, boolean[] only, long positives) {
        for (int k = 50; k <= 99; k++) {
            double t = k / 100.0;
            Counts c = verified(pairs, outcomes, t, only);
            curve.addObject().put("threshold", t).put("precision", round(c.precision())).put("recall", round(c.recall(positives)));
        }
    }

    /**
     * Not the protocol: the same figures over the queries whose ground truth is unambiguous, i.e.
     * leaving out every query whose words (ignoring case and punctuation) equal the stored
     * {@code text_a} of another pair, where the protocol counts serving that identical question's
     * answer as a false hit.
     */
    static void unambiguous(ObjectNode out, List<QuestionPair> pairs, Outcome[] outcomes, double threshold) {
        java.util.Map<String, Integer> stored = new java.util.HashMap<>();
        for (int i = 0; i < pairs.size(); i++) stored.merge(normal(pairs.get(i).textA()), 1, Integer::sum);
        boolean[] only = new boolean[pairs.size()];
        long queries = 0, positives = 0;
        for (int j = 0; j < pairs.size(); j++) {
            String q = normal(pairs.get(j).textB());
            int same = stored.getOrDefault(q, 0) - (normal(pairs.get(j).textA()).equals(q) ? 1 : 0);
            only[j] = same == 0;
            if (only[j]) {
                queries++;
                if (pairs.get(j).label() == 1) positives++;
            }
        }
        Counts at = verified(pairs, outcomes, threshold, only);
        out.put("definition", "queries whose normalised text is not the stored text_a of another pair");
        out.put("queries", queries);
        out.put("excluded_queries", pairs.size() - queries);
        out.put("positives", positives);
        out.put("precision", round(at.precision()));
        out.put("recall", round(at.recall(positives)));
        out.put("false_hit_rate", round(queries == 0 ? 0 : (double) at.false_ / queries));
        out.put("hits", at.correct + at.false_);
        out.put("false_hits", at.false_);
        curve(out.putArray("curve"), pairs, outcomes, only, positives);
    }

    /**
     * Not the protocol: the verifier judging each pair on its own (text_b against its own text_a,
     * no retrieval), the way pair-classification figures such as EVALUATION.md's cosine reference
     * are usually quoted. A refused pair is a miss.
     */
    static void pairLevel(ObjectNode out, List<QuestionPair> pairs, double[] score, double[] cosine, double threshold, long positives) {
        out.put("definition", "each text_b judged against its own text_a only (no retrieval)");
        Counts at = ownPairs(pairs, score, threshold);
        out.put("precision", round(at.precision()));
        out.put("recall", round(at.recall(positives)));
        boolean[] positive = new boolean[pairs.size()];
        for (int j = 0; j < positive.length; j++) positive[j] = pairs.get(j).label() == 1;
        operatingPoints(out, score, positive, positives);
        ArrayNode curve = out.putArray("curve");
        ArrayNode cosineCurve = out.putArray("cosine_curve");
        for (int k = 50; k <= 99; k++) {
            Counts c = ownPairs(pairs, score, k / 100.0);
            curve.addObject().put("threshold", k / 100.0).put("precision", round(c.precision())).put("recall", round(c.recall(positives)));
            Counts cc = ownPairs(pairs, cosine, k / 100.0);
            cosineCurve.addObject().put("threshold", k / 100.0).put("precision", round(cc.precision())).put("recall", round(cc.recall(positives)));
        }
    }

    /** Recall the operating points are quoted at, and the precision target they are quoted against. */
    static final double RECALL_POINT = 0.30, PRECISION_POINT = 0.97;

    /**
     * Two summaries of a curve over every possible threshold (not just the 0.01 grid): the best
     * precision among thresholds recalling at least {@link #RECALL_POINT}, and the best recall among
     * thresholds reaching {@link #PRECISION_POINT} precision (0 when none does). They describe the
     * curve on the data it was measured on; they are not thresholds chosen for serving.
     * {@code score[j] < 0} = never a hit.
     */
    static void operatingPoints(ObjectNode out, double[] score, boolean[] correct, long positives) {
        Integer[] order = new Integer[score.length];
        for (int j = 0; j < order.length; j++) order[j] = j;
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        double bestPrecision = 0, bestRecall = 0, thresholdForPrecision = Double.NaN, thresholdForRecall = Double.NaN;
        long hits = 0, right = 0;
        for (int k = 0; k < order.length && score[order[k]] >= 0; k++) {
            hits++;
            if (correct[order[k]]) right++;
            if (k + 1 < order.length && score[order[k + 1]] == score[order[k]]) continue;
            double precision = (double) right / hits;
            double recall = positives == 0 ? 0 : (double) right / positives;
            if (recall >= RECALL_POINT && precision > bestPrecision) {
                bestPrecision = precision;
                thresholdForPrecision = score[order[k]];
            }
            if (precision >= PRECISION_POINT && recall > bestRecall) {
                bestRecall = recall;
                thresholdForRecall = score[order[k]];
            }
        }
        out.put("precision_at_recall_0.30", round(bestPrecision));
        if (Double.isNaN(thresholdForPrecision)) out.putNull("precision_at_recall_0.30_threshold");
        else out.put("precision_at_recall_0.30_threshold", round(thresholdForPrecision));
        out.put("recall_at_precision_0.97", round(bestRecall));
        if (Double.isNaN(thresholdForRecall)) out.putNull("recall_at_precision_0.97_threshold");
        else out.put("recall_at_precision_0.97_threshold", round(thresholdForRecall));
    }

    private static Counts ownPairs(List<QuestionPair> pairs, double[] score, double t) {
        long correct = 0, false_ = 0;
        for (int j = 0; j < score.length; j++) {
            if (score[j] < t) continue;
            if (pairs.get(j).label() == 1) correct++; else false_++;
        }
        return new Counts(correct, false_);
    }

    private static Counts verified(List<QuestionPair> pairs, Outcome[] o, double t) {
        return verified(pairs, o, t, null);
    }

    /** Counts over the queries marked in {@code only} (all when null). */
    private static Counts verified(List<QuestionPair> pairs, Outcome[] o, double t, boolean[] only) {
        long correct = 0, false_ = 0;
        for (int j = 0; j < o.length; j++) {
            if (only != null && !only[j]) continue;
            if (o[j].bestIndex < 0 || o[j].refused || o[j].bestScore < t) continue;
            if (o[j].bestIndex == j && pairs.get(j).label() == 1) correct++; else false_++;
        }
        return new Counts(correct, false_);
    }

    private static Counts cosineOnly(List<QuestionPair> pairs, Outcome[] o, double t) {
        long correct = 0, false_ = 0;
        for (int j = 0; j < o.length; j++) {
            if (o[j].nearestIndex < 0 || o[j].nearestCosine < t) continue;
            if (o[j].nearestIndex == j && pairs.get(j).label() == 1) correct++; else false_++;
        }
        return new Counts(correct, false_);
    }

    private static long percentileMicros(long[] nanos, double p) {
        if (nanos.length == 0) return 0;
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(p * (sorted.length - 1))] / 1000;
    }

    /** The text as the same-words rule sees it: lower case, no punctuation, contractions written out. */
    private static String normal(String s) {
        return String.join(" ", TextSignals.of(s).words());
    }

    static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
