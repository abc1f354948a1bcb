package dev.tokenwise.core.routing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Trains the deployable learned router: fits on every rated prompt, and calibrates a table of
 * quality targets on out-of-fold scores (folds by subject when there are enough), so each stored
 * threshold was chosen on prompts the model that produced their scores had not seen.
 */
public final class RouterTraining {
    public static final double LAMBDA = 1.0;
    public static final List<Double> TARGETS = List.of(0.8, 0.85, 0.9, 0.925, 0.95, 0.975, 0.99);

    private RouterTraining() {}

    /**
     * Trains the cascade's answer scorer on prompts with recorded weak answers, calibrating the
     * escalation threshold table on out-of-fold scores.
     */
    public static AnswerScorer trainCascade(List<LabelledPrompt> data, int folds, long seed, String source, String weakModel,
                                            String strongModel) {
        return trainCascade(data, folds, seed, source, weakModel, strongModel, Calibrator.standard());
    }

    /** As {@link #trainCascade(List, int, long, String, String, String)} with a chosen calibration bound. */
    public static AnswerScorer trainCascade(List<LabelledPrompt> data, int folds, long seed, String source, String weakModel,
                                            String strongModel, Calibrator calibrator) {
        if (data.size() < 20) throw new IllegalArgumentException("need at least 20 rated answers to train, got " + data.size());
        if (data.stream().anyMatch(p -> p.weakResponse() == null)) {
            throw new IllegalArgumentException("the cascade scorer needs the weak model's answers ('" + weakModel + "_response' column)");
        }
        Scorer.Trainer trainer = Scorer.cascade(LAMBDA);
        boolean[] ok = new boolean[data.size()];
        for (int i = 0; i < ok.length; i++) ok[i] = data.get(i).weakOk();
        AnswerScorer fitted = AnswerScorer.fit(data.stream().map(LabelledPrompt::prompt).toList(),
                data.stream().map(LabelledPrompt::weakResponse).toList(), ok, LAMBDA);
        double[] oof = RoutingEvaluation.outOfFold(trainer, data, folds, seed);
        return new AnswerScorer(fitted.model(), table(data, oof, seed, calibrator),
                meta(data, folds, seed, source, weakModel, strongModel, calibrator, List.of()));
    }

    public static LearnedRouter train(List<LabelledPrompt> data, int folds, long seed, String source, String weakModel,
                                      String strongModel) {
        return train(data, folds, seed, source, weakModel, strongModel, Calibrator.standard(), List.of());
    }

    /**
     * As {@link #train(List, int, long, String, String, String)} with a chosen calibration bound;
     * {@code heldOut} names subjects of the source left out of {@code data} (recorded in the
     * artifact, so an evaluation or demo can use them as unseen traffic).
     */
    public static LearnedRouter train(List<LabelledPrompt> data, int folds, long seed, String source, String weakModel,
                                      String strongModel, Calibrator calibrator, List<String> heldOut) {
        if (data.size() < 20) throw new IllegalArgumentException("need at least 20 rated prompts to train, got " + data.size());
        Scorer.Trainer trainer = Scorer.learned(LAMBDA);
        LearnedRouter fitted = LearnedRouter.fit(data, LAMBDA);
        double[] oof = RoutingEvaluation.outOfFold(trainer, data, folds, seed);
        return fitted.withCalibration(table(data, oof, seed, calibrator),
                meta(data, folds, seed, source, weakModel, strongModel, calibrator, heldOut));
    }

    private static List<Calibrator.Choice> table(List<LabelledPrompt> data, double[] oof, long seed, Calibrator calibrator) {
        boolean[] w = new boolean[data.size()];
        boolean[] s = new boolean[data.size()];
        String[] g = new String[data.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = data.get(i).weakOk();
            s[i] = data.get(i).strongOk();
            g[i] = data.get(i).group();
        }
        List<Calibrator.Choice> table = new ArrayList<>();
        for (double t : TARGETS) table.add(calibrator.choose(oof, w, s, g, t, new Random(seed)));
        return table;
    }

    private static ObjectNode meta(List<LabelledPrompt> data, int folds, long seed, String source, String weakModel, String strongModel,
                                   Calibrator calibrator, List<String> heldOut) {
        ObjectNode meta = Json.object();
        meta.put("source", source);
        meta.put("n", data.size());
        meta.put("weak_model", weakModel);
        meta.put("strong_model", strongModel);
        meta.put("folds", folds);
        meta.put("seed", seed);
        meta.put("lambda", LAMBDA);
        meta.put("calibration_confidence", calibrator.confidence());
        meta.put("calibration_groups_per_draw", calibrator.groupsPerDraw());
        ArrayNode groups = meta.putArray("groups");
        RoutingEvaluation.groups(data).forEach(groups::add);
        if (!heldOut.isEmpty()) {
            ArrayNode held = meta.putArray("held_out");
            heldOut.forEach(held::add);
        }
        return meta;
    }
}
