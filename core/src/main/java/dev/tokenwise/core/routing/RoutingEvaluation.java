package dev.tokenwise.core.routing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Measures a router the way EVALUATION.md defines it, on prompts it was neither trained nor
 * calibrated on. Either subject-held-out splits (train and calibrate on the other subjects,
 * evaluate on K unseen ones, averaged over S random splits) or k-fold over prompts (pooled
 * out-of-fold scores) when the data has no subjects to hold out; a fixed router (an artifact or the
 * rules) can also be scored on all the data with its own stored calibration.
 */
public final class RoutingEvaluation {
    /** Grid of strong-call shares reported in {@code curve}. */
    static final int CURVE_STEPS = 20;

    /**
     * @param holdoutSubjects subjects held out per split (0: k-fold over prompts)
     * @param splits random subject splits to average over
     * @param folds k for k-fold (over prompts, and over subjects for calibration inside training)
     * @param qualityTarget calibrated quality target, e.g. 0.95 of strong accuracy
     */
    public record Options(int holdoutSubjects, int splits, int folds, long seed, double qualityTarget) {
        public Options {
            if (holdoutSubjects < 0) throw new IllegalArgumentException("holdout subjects must be >= 0, was " + holdoutSubjects);
            if (splits < 1) throw new IllegalArgumentException("splits must be >= 1, was " + splits);
            if (folds < 2) throw new IllegalArgumentException("folds must be >= 2, was " + folds);
            if (qualityTarget <= 0 || qualityTarget > 1) throw new IllegalArgumentException("quality target must be in (0,1], was " + qualityTarget);
        }
    }

    /** One evaluated part: scores on unseen prompts and the calibration chosen without them. */
    record Part(List<Integer> test, double[] scores, Calibrator.Choice choice, List<String> heldOut) {}

    private final List<LabelledPrompt> data;
    private final double[] weakCost;
    private final double[] strongCost;
    private final boolean cascade;
    private final Calibrator calibrator;
    private final Consumer<String> progress;

    public RoutingEvaluation(List<LabelledPrompt> data, double[][] costs, boolean cascade, Calibrator calibrator,
                             Consumer<String> progress) {
        this.data = List.copyOf(data);
        this.weakCost = costs[0];
        this.strongCost = costs[1];
        this.cascade = cascade;
        this.calibrator = calibrator;
        this.progress = progress == null ? s -> {} : progress;
    }

    /** Held-out evaluation of a trainer (which may ignore its training data, like the rules). */
    public ObjectNode heldOut(Scorer.Trainer trainer, Options o) {
        List<String> groups = groups(data);
        List<Part> parts = new ArrayList<>();
        boolean bySubject = o.holdoutSubjects() > 0;
        if (bySubject) {
            if (groups.size() <= o.holdoutSubjects()) {
                throw new IllegalArgumentException("cannot hold out " + o.holdoutSubjects() + " subjects: the data has only "
                        + groups.size() + " (" + String.join(", ", groups) + ")");
            }
            for (int s = 0; s < o.splits(); s++) {
                List<String> shuffled = new ArrayList<>(groups);
                java.util.Collections.shuffle(shuffled, new Random(o.seed() + 1000L * s));
                List<String> held = List.copyOf(shuffled.subList(0, o.holdoutSubjects()));
                progress.accept("split " + (s + 1) + "/" + o.splits() + ": holding out " + String.join(", ", held));
                parts.add(part(trainer, o, new LinkedHashSet<>(held)::contains, held, s));
            }
            return report(trainer.kind(), parts, false, o, "subject-held-out");
        }
        int[] fold = foldsOf(data.size(), o.folds(), new Random(o.seed()));
        for (int f = 0; f < o.folds(); f++) {
            progress.accept("fold " + (f + 1) + "/" + o.folds());
            int ff = f;
            List<Integer> test = new ArrayList<>();
            List<LabelledPrompt> train = new ArrayList<>();
            for (int i = 0; i < data.size(); i++) {
                if (fold[i] == ff) test.add(i); else train.add(data.get(i));
            }
            parts.add(evaluatePart(trainer, o, train, test, List.of(), f));
        }
        return report(trainer.kind(), parts, true, o, "k-fold");
    }

    /** A fixed router scored on all the data, with the threshold it brings for the target. */
    public ObjectNode fixed(Scorer scorer, String kind, Calibrator.Choice choice, Options o) {
        List<Integer> all = new ArrayList<>();
        double[] scores = new double[data.size()];
        for (int i = 0; i < data.size(); i++) {
            all.add(i);
            scores[i] = scorer.difficulty(data.get(i));
        }
        return report(kind, List.of(new Part(all, scores, choice, List.of())), true, o, "fixed");
    }

    private Part part(Scorer.Trainer trainer, Options o, java.util.function.Predicate<String> isHeld, List<String> held, int s) {
        List<Integer> test = new ArrayList<>();
        List<LabelledPrompt> train = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            if (isHeld.test(data.get(i).group())) test.add(i); else train.add(data.get(i));
        }
        return evaluatePart(trainer, o, train, test, held, s);
    }

    private Part evaluatePart(Scorer.Trainer trainer, Options o, List<LabelledPrompt> train, List<Integer> test,
                              List<String> held, int index) {
        Scorer scorer = trainer.train(train);
        double[] scores = new double[test.size()];
        for (int i = 0; i < scores.length; i++) scores[i] = scorer.difficulty(data.get(test.get(i)));
        Calibrator.Choice choice = calibrate(trainer, train, o.folds(), o.qualityTarget(), o.seed() + 7919L * (index + 1), calibrator);
        return new Part(test, scores, choice, held);
    }

    /**
     * Calibrates on out-of-fold scores of the training prompts (folds by subject when there are
     * enough subjects), so the threshold is chosen on scores from models that had not seen them.
     */
    public static Calibrator.Choice calibrate(Scorer.Trainer trainer, List<LabelledPrompt> train, int folds, double target,
                                              long seed, Calibrator calibrator) {
        double[] oof = outOfFold(trainer, train, folds, seed);
        boolean[] w = new boolean[train.size()];
        boolean[] s = new boolean[train.size()];
        String[] g = new String[train.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = train.get(i).weakOk();
            s[i] = train.get(i).strongOk();
            g[i] = train.get(i).group();
        }
        return calibrator.choose(oof, w, s, g, target, new Random(seed));
    }

    /** Out-of-fold difficulty for every prompt: subject folds when there are enough subjects. */
    public static double[] outOfFold(Scorer.Trainer trainer, List<LabelledPrompt> train, int folds, long seed) {
        List<String> groups = groups(train);
        int[] fold = new int[train.size()];
        if (groups.size() >= Math.max(folds, Calibrator.MIN_GROUPS)) {
            List<String> shuffled = new ArrayList<>(groups);
            java.util.Collections.shuffle(shuffled, new Random(seed));
            Map<String, Integer> gf = new HashMap<>();
            for (int i = 0; i < shuffled.size(); i++) gf.put(shuffled.get(i), i % folds);
            for (int i = 0; i < fold.length; i++) fold[i] = gf.get(train.get(i).group());
        } else {
            fold = foldsOf(train.size(), folds, new Random(seed));
        }
        double[] oof = new double[train.size()];
        for (int f = 0; f < folds; f++) {
            List<LabelledPrompt> in = new ArrayList<>();
            for (int i = 0; i < fold.length; i++) if (fold[i] != f) in.add(train.get(i));
            if (in.isEmpty()) continue;
            Scorer sc = trainer.train(in);
            for (int i = 0; i < fold.length; i++) if (fold[i] == f) oof[i] = sc.difficulty(train.get(i));
        }
        return oof;
    }

    static int[] foldsOf(int n, int folds, Random rng) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < n; i++) idx.add(i);
        java.util.Collections.shuffle(idx, rng);
        int[] fold = new int[n];
        for (int i = 0; i < n; i++) fold[idx.get(i)] = i % folds;
        return fold;
    }

    static List<String> groups(List<LabelledPrompt> d) {
        LinkedHashSet<String> g = new LinkedHashSet<>();
        for (LabelledPrompt p : d) g.add(p.group());
        return new ArrayList<>(g);
    }

    /** Metrics of one set of evaluated prompts. */
    private record Metrics(int n, RoutingCurve curve, RoutingCurve oracle, double threshold, double qualityRatio,
                           double strongShare, double costSaving, double expectedQuality, double lowerBound) {}

    private Metrics metrics(List<Integer> idx, double[] scores, double[] thresholds, double expectedQuality, double lowerBound) {
        int n = idx.size();
        boolean[] w = new boolean[n];
        boolean[] s = new boolean[n];
        double[] wc = new double[n];
        double[] sc = new double[n];
        double[] oracle = new double[n];
        for (int i = 0; i < n; i++) {
            LabelledPrompt p = data.get(idx.get(i));
            w[i] = p.weakOk();
            s[i] = p.strongOk();
            wc[i] = weakCost[idx.get(i)];
            sc[i] = strongCost[idx.get(i)];
            oracle[i] = !w[i] && s[i] ? 1 : 0;
        }
        RoutingCurve curve = RoutingCurve.of(scores, w, s, wc, sc, cascade);
        RoutingCurve oc = RoutingCurve.of(oracle, w, s, wc, sc, false);
        double correct = 0;
        double strongCorrect = 0;
        double cost = 0;
        int strong = 0;
        for (int i = 0; i < n; i++) {
            boolean up = scores[i] >= thresholds[i];
            if (up) strong++;
            correct += up ? (s[i] ? 1 : 0) : (w[i] ? 1 : 0);
            strongCorrect += s[i] ? 1 : 0;
            cost += up ? (cascade ? wc[i] + sc[i] : sc[i]) : wc[i];
        }
        double t = 0;
        for (double x : thresholds) t += x / n;
        return new Metrics(n, curve, oc, t, strongCorrect == 0 ? 1 : correct / strongCorrect, (double) strong / n,
                curve.strongCost() <= 0 ? 0 : 1 - cost / curve.strongCost(), expectedQuality, lowerBound);
    }

    private ObjectNode report(String kind, List<Part> parts, boolean pooled, Options o, String protocol) {
        List<Metrics> ms = new ArrayList<>();
        if (pooled) {
            List<Integer> idx = new ArrayList<>();
            List<Double> sc = new ArrayList<>();
            List<Double> th = new ArrayList<>();
            double eq = 0;
            double lb = 0;
            for (Part p : parts) {
                idx.addAll(p.test());
                for (double d : p.scores()) sc.add(d);
                for (int i = 0; i < p.test().size(); i++) th.add(p.choice() == null ? Calibrator.NEVER : p.choice().threshold());
                eq += (p.choice() == null ? Double.NaN : p.choice().expectedQuality()) / parts.size();
                lb += (p.choice() == null ? Double.NaN : p.choice().lowerBound()) / parts.size();
            }
            ms.add(metrics(idx, sc.stream().mapToDouble(Double::doubleValue).toArray(),
                    th.stream().mapToDouble(Double::doubleValue).toArray(), eq, lb));
        } else {
            for (Part p : parts) {
                double[] th = new double[p.test().size()];
                java.util.Arrays.fill(th, p.choice().threshold());
                ms.add(metrics(p.test(), p.scores(), th, p.choice().expectedQuality(), p.choice().lowerBound()));
            }
        }
        ObjectNode out = Json.object();
        out.put("router", kind);
        out.put("protocol", protocol);
        out.put("cascade", cascade);
        out.put("n", (int) Math.round(avg(ms, m -> m.n)));
        out.put("weak_accuracy", avg(ms, m -> m.curve.weakAccuracy()));
        out.put("strong_accuracy", avg(ms, m -> m.curve.strongAccuracy()));
        out.put("apgr", avg(ms, m -> m.curve.apgr()));
        out.put("cpt50", avg(ms, m -> m.curve.cpt(0.5)));
        out.put("cpt80", avg(ms, m -> m.curve.cpt(0.8)));
        out.put("strong_share_at_95", avg(ms, m -> m.curve.strongShareAt(0.95)));
        out.put("cost_saving_at_95", avg(ms, m -> m.curve.costSavingAt(0.95)));
        ObjectNode oracle = out.putObject("oracle");
        oracle.put("cpt50", avg(ms, m -> m.oracle.cpt(0.5)));
        oracle.put("cpt80", avg(ms, m -> m.oracle.cpt(0.8)));
        oracle.put("apgr", avg(ms, m -> m.oracle.apgr()));
        oracle.put("strong_share_at_95", avg(ms, m -> m.oracle.strongShareAt(0.95)));
        oracle.put("cost_saving_at_95", avg(ms, m -> m.oracle.costSavingAt(0.95)));
        ObjectNode cal = out.putObject("calibrated");
        cal.put("quality_target", o.qualityTarget());
        cal.put("threshold", avg(ms, m -> m.threshold));
        cal.put("expected_quality", avg(ms, m -> m.expectedQuality));
        cal.put("lower_bound", avg(ms, m -> m.lowerBound));
        cal.put("margin", avg(ms, m -> m.expectedQuality - m.lowerBound));
        cal.put("quality_ratio", avg(ms, m -> m.qualityRatio));
        cal.put("min_quality_ratio", ms.stream().mapToDouble(m -> m.qualityRatio).min().orElse(Double.NaN));
        cal.put("strong_share", avg(ms, m -> m.strongShare));
        cal.put("cost_saving", avg(ms, m -> m.costSaving));
        ArrayNode curve = out.putArray("curve");
        for (int k = 0; k <= CURVE_STEPS; k++) {
            double x = (double) k / CURVE_STEPS;
            ObjectNode pt = curve.addObject();
            pt.put("strong_share", x);
            pt.put("accuracy", avg(ms, m -> m.curve.accuracyAt(x)));
            pt.put("oracle_accuracy", avg(ms, m -> m.oracle.accuracyAt(x)));
            pt.put("cost_ratio", avg(ms, m -> m.curve.strongCost() <= 0 ? 0 : m.curve.costAt(x) / m.curve.strongCost()));
        }
        if (ms.size() > 1 || !parts.get(0).heldOut().isEmpty()) {
            ArrayNode sp = out.putArray("splits");
            for (int i = 0; i < ms.size(); i++) {
                Metrics m = ms.get(i);
                ObjectNode e = sp.addObject();
                ArrayNode h = e.putArray("held_out");
                parts.get(i).heldOut().forEach(h::add);
                e.put("n", m.n);
                e.put("weak_accuracy", m.curve.weakAccuracy());
                e.put("strong_accuracy", m.curve.strongAccuracy());
                e.put("apgr", m.curve.apgr());
                e.put("cpt50", m.curve.cpt(0.5));
                e.put("cpt80", m.curve.cpt(0.8));
                e.put("cost_saving_at_95", m.curve.costSavingAt(0.95));
                e.put("calibrated_threshold", m.threshold);
                e.put("calibrated_expected_quality", m.expectedQuality);
                e.put("calibrated_lower_bound", m.lowerBound);
                e.put("calibrated_quality_ratio", m.qualityRatio);
                e.put("calibrated_strong_share", m.strongShare);
            }
        }
        return out;
    }

    private static double avg(List<Metrics> ms, java.util.function.ToDoubleFunction<Metrics> f) {
        return ms.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
    }
}
