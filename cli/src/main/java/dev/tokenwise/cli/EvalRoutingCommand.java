package dev.tokenwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.routing.Calibrator;
import dev.tokenwise.core.routing.LabelledPrompt;
import dev.tokenwise.core.routing.LearnedRouter;
import dev.tokenwise.core.routing.RouterTraining;
import dev.tokenwise.core.routing.RoutingCosts;
import dev.tokenwise.core.routing.RoutingData;
import dev.tokenwise.core.routing.RoutingEvaluation;
import dev.tokenwise.core.routing.RulesRouter;
import dev.tokenwise.core.routing.Scorer;
import dev.tokenwise.core.wire.Json;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tokenwise eval routing}: routing quality and cost on RouteLLM-format data. */
@Command(name = "routing", mixinStandardHelpOptions = true,
        description = "Evaluate a router (or the cascade) on rated prompts the router was not trained or calibrated on.")
final class EvalRoutingCommand implements Runnable {
    @Option(names = "--data", required = true, description = "Directory of RouteLLM-format CSVs (or one CSV).")
    Path data;

    @Option(names = "--router", description = "learned (train per split; default), rules, or a router JSON file "
            + "(evaluated as-is on all data with its stored calibration; 'bundled' for the shipped one).")
    String router = "learned";

    @Option(names = "--cascade", description = "Evaluate the cascade: score the weak model's recorded answer, escalate low scores.")
    boolean cascade;

    @Option(names = "--weak-model", defaultValue = RoutingData.DEFAULT_WEAK, description = "Weak model column (default: ${DEFAULT-VALUE}).")
    String weak;

    @Option(names = "--strong-model", defaultValue = RoutingData.DEFAULT_STRONG, description = "Strong model column (default: ${DEFAULT-VALUE}).")
    String strong;

    @Option(names = "--holdout-subjects", defaultValue = "0",
            description = "Subjects held out per split (0: k-fold over prompts) (default: ${DEFAULT-VALUE}).")
    int holdout;

    @Option(names = "--splits", defaultValue = "5", description = "Random subject splits to average (default: ${DEFAULT-VALUE}).")
    int splits;

    @Option(names = "--folds", defaultValue = "5", description = "k for k-fold and for calibration folds (default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quality-target", defaultValue = "0.95", description = "Calibrated quality target, fraction of strong accuracy (default: ${DEFAULT-VALUE}).")
    double target;

    @Option(names = "--calibration-groups", description = "Groups (subjects) in one simulated mix of new traffic for the "
            + "calibration bound (default: --holdout-subjects when > 0, else " + Calibrator.STANDARD_GROUPS_PER_DRAW + "; 0: all).")
    Integer calibrationGroups;

    @Option(names = "--calibration-confidence", defaultValue = "" + Calibrator.STANDARD_CONFIDENCE,
            description = "Confidence of the calibration's lower bound (default: ${DEFAULT-VALUE}).")
    double confidence;

    @Option(names = "--output-tokens", defaultValue = "" + RoutingCosts.DEFAULT_OUTPUT_TOKENS,
            description = "Assumed answer tokens when the data has no response columns (default: ${DEFAULT-VALUE}).")
    int outputTokens;

    @Option(names = "--json", description = "Print the full JSON report.")
    boolean json;

    @Option(names = "--plot", description = "Write the curve with random and oracle lines (.svg or .png).")
    Path plot;

    @Override
    public void run() {
        Progress progress = new Progress();
        progress.accept("reading " + data);
        List<LabelledPrompt> rows = RoutingData.load(data, weak, strong);
        if (rows.isEmpty()) throw new UserException("no rated prompts in " + data);
        if (cascade && rows.stream().anyMatch(p -> !p.hasResponses())) {
            throw new UserException("--cascade needs the models' answers: " + data + " has no '" + weak + "_response' and '"
                    + strong + "_response' columns (or some rows lack them)");
        }
        progress.accept(rows.size() + " rated prompts in " + rows.stream().map(LabelledPrompt::group).distinct().count()
                + " subjects; counting tokens");
        double[][] costs = RoutingCosts.of(rows, weak, strong, PriceCatalog.bundled(), outputTokens);
        int groups = calibrationGroups != null ? calibrationGroups : holdout > 0 ? holdout : Calibrator.STANDARD_GROUPS_PER_DRAW;
        Calibrator calibrator;
        try {
            calibrator = new Calibrator(confidence, 1000, groups);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        RoutingEvaluation eval = new RoutingEvaluation(rows, costs, cascade, calibrator, progress);
        RoutingEvaluation.Options o = new RoutingEvaluation.Options(holdout, splits, folds, seed, target);
        ObjectNode report;
        if (cascade) {
            report = eval.heldOut(Scorer.cascade(RouterTraining.LAMBDA), o);
        } else if (router.equals("learned")) {
            report = eval.heldOut(Scorer.learned(RouterTraining.LAMBDA), o);
        } else if (router.equals("rules")) {
            report = eval.heldOut(Scorer.rules(), o);
        } else {
            if (holdout > 0) {
                throw new UserException("--router FILE evaluates a trained router as-is on all of --data; "
                        + "--holdout-subjects trains per split (use --router learned)");
            }
            LearnedRouter r = router.equals("bundled") ? LearnedRouter.bundled() : LearnedRouter.load(Path.of(router));
            Calibrator.Choice c = r.thresholdFor(target).orElseThrow(() -> new UserException(
                    "router " + router + " has no calibrated threshold for quality target " + target));
            java.util.Set<String> held = java.util.Set.copyOf(r.heldOut());
            List<LabelledPrompt> unseen = rows.stream().filter(p -> held.contains(p.group())).toList();
            if (!unseen.isEmpty()) {
                // the artifact left these subjects out of training and calibration: score it on them only
                progress.accept("evaluating on the " + held.size() + " subjects the router held out");
                rows = unseen;
                eval = new RoutingEvaluation(rows, RoutingCosts.of(rows, weak, strong, PriceCatalog.bundled(), outputTokens),
                        cascade, calibrator, progress);
            }
            report = eval.fixed(Scorer.of(r), "learned (" + router + ")", c, o);
            report.put("evaluated_on", unseen.isEmpty() ? "all of --data" : "the subjects the router held out");
        }
        report.put("weak_model", weak);
        report.put("strong_model", strong);
        report.put("output_tokens_assumed", rows.stream().allMatch(LabelledPrompt::hasResponses) ? 0 : outputTokens);
        if (plot != null) {
            CurvePlot.write(report, plot);
            progress.accept("wrote " + plot);
        }
        progress.done();
        if (json) {
            try {
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            printSummary(report);
        }
    }

    private static void printSummary(JsonNode r) {
        System.out.printf("router %s (%s), %d prompts per evaluation%n", r.path("router").asText(), r.path("protocol").asText(), r.path("n").asInt());
        System.out.printf("  weak accuracy %.3f, strong accuracy %.3f%n", r.path("weak_accuracy").asDouble(), r.path("strong_accuracy").asDouble());
        System.out.printf("  APGR %.3f, CPT(50%%) %.1f%%, CPT(80%%) %.1f%%   (oracle CPT(50%%) %.1f%%, CPT(80%%) %.1f%%; random ≈ 50%% / 80%%)%n",
                r.path("apgr").asDouble(), 100 * r.path("cpt50").asDouble(), 100 * r.path("cpt80").asDouble(),
                100 * r.path("oracle").path("cpt50").asDouble(), 100 * r.path("oracle").path("cpt80").asDouble());
        System.out.printf("  95%% of strong quality: %.1f%% strong calls, cost saving %.1f%%%n",
                100 * r.path("strong_share_at_95").asDouble(), 100 * r.path("cost_saving_at_95").asDouble());
        JsonNode c = r.path("calibrated");
        System.out.printf("  calibrated for %.3f: threshold %.4f, expected %.3f (lower bound %.3f, margin %.3f) -> realised %.3f "
                        + "(min over splits %.3f), %.1f%% strong, cost saving %.1f%%%n",
                c.path("quality_target").asDouble(), c.path("threshold").asDouble(), c.path("expected_quality").asDouble(),
                c.path("lower_bound").asDouble(), c.path("margin").asDouble(), c.path("quality_ratio").asDouble(),
                c.path("min_quality_ratio").asDouble(), 100 * c.path("strong_share").asDouble(), 100 * c.path("cost_saving").asDouble());
    }
}
