package dev.tokenwise.cli;

import dev.tokenwise.core.routing.AnswerScorer;
import dev.tokenwise.core.routing.Calibrator;
import dev.tokenwise.core.routing.LabelledPrompt;
import dev.tokenwise.core.routing.LearnedRouter;
import dev.tokenwise.core.routing.RouterTraining;
import dev.tokenwise.core.routing.RoutingData;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tokenwise router ...}: build routing artifacts. */
@Command(name = "router", mixinStandardHelpOptions = true, description = "Train and inspect routers.",
        subcommands = {RouterCommand.Train.class})
final class RouterCommand implements Runnable {
    @Override
    public void run() {
        throw new UserException("missing subcommand: tokenwise router train --data DIR --out FILE");
    }

    /** {@code tokenwise router train}: fit the learned router and calibrate its thresholds. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train the learned router on rated prompts: a directory of RouteLLM-format CSVs "
                    + "(prompt,<weak>,<strong> True/False) or a rating-sample CSV (prompt,weak_ok,strong_ok).")
    static final class Train implements Runnable {
        @Option(names = "--data", required = true, description = "Directory of CSVs or one CSV file.")
        Path data;

        @Option(names = "--out", required = true, description = "Where to write the router JSON.")
        Path out;

        @Option(names = "--weak-model", defaultValue = RoutingData.DEFAULT_WEAK, description = "Weak model column (default: ${DEFAULT-VALUE}).")
        String weak;

        @Option(names = "--strong-model", defaultValue = RoutingData.DEFAULT_STRONG, description = "Strong model column (default: ${DEFAULT-VALUE}).")
        String strong;

        @Option(names = "--folds", defaultValue = "5", description = "Folds for out-of-fold calibration (default: ${DEFAULT-VALUE}).")
        int folds;

        @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--calibration-groups", defaultValue = "" + Calibrator.STANDARD_GROUPS_PER_DRAW,
                description = "Groups (subjects) in one simulated mix of new traffic for the calibration bound (0: all; default: ${DEFAULT-VALUE}).")
        int calibrationGroups;

        @Option(names = "--holdout-subjects", split = ",", paramLabel = "SUBJECT",
                description = "Subjects (comma-separated) left out of training and calibration; recorded in the artifact as "
                        + "held_out, so evaluations and the demo can use them as unseen traffic.")
        List<String> holdout = List.of();

        @Option(names = "--cascade", description = "Train the cascade's answer scorer instead (needs <weak>_response and <strong>_response columns).")
        boolean cascade;

        @Override
        public void run() {
            Progress progress = new Progress();
            progress.accept("reading " + data);
            List<LabelledPrompt> rows = RoutingData.load(data, weak, strong);
            if (calibrationGroups < 0) throw new UserException("--calibration-groups must be >= 0, was " + calibrationGroups);
            Calibrator calibrator = Calibrator.withGroupsPerDraw(calibrationGroups);
            List<String> heldOut = heldOut(rows);
            if (!heldOut.isEmpty()) {
                java.util.Set<String> held = java.util.Set.copyOf(heldOut);
                rows = rows.stream().filter(p -> !held.contains(p.group())).toList();
                progress.accept("holding out " + String.join(", ", heldOut));
            }
            progress.accept("training on " + rows.size() + " rated prompts, calibrating on " + folds + " folds");
            List<Calibrator.Choice> table;
            String source = data.toAbsolutePath().normalize().getFileName().toString();
            if (cascade) {
                AnswerScorer s = RouterTraining.trainCascade(rows, folds, seed, source, weak, strong, calibrator);
                s.save(out);
                table = s.calibration();
            } else {
                LearnedRouter r = RouterTraining.train(rows, folds, seed, source, weak, strong, calibrator, heldOut);
                r.save(out);
                table = r.calibration();
            }
            progress.done();
            System.out.printf("wrote %s (%s): %d rated prompts%s%n", out, cascade ? "cascade answer scorer" : "learned router", rows.size(),
                    heldOut.isEmpty() ? "" : "; held out: " + String.join(", ", heldOut));
            for (Calibrator.Choice c : table) {
                System.out.printf("  quality_target %.3f -> threshold %.4f (calibration quality %.3f, lower bound %.3f, strong share %.3f)%n",
                        c.qualityTarget(), c.threshold(), c.expectedQuality(), c.lowerBound(), c.strongShare());
            }
        }

        /** The subjects --holdout-subjects leaves out, each checked to be in the data. */
        private List<String> heldOut(List<LabelledPrompt> rows) {
            if (holdout.isEmpty()) return List.of();
            if (cascade) throw new UserException("--holdout-subjects is for the learned router");
            java.util.Set<String> subjects = new java.util.TreeSet<>(rows.stream().map(LabelledPrompt::group).toList());
            for (String h : holdout) {
                if (!subjects.contains(h)) throw new UserException("--holdout-subjects: no subject '" + h + "' in " + data + " (subjects: " + subjects + ")");
            }
            if (subjects.size() <= holdout.size()) throw new UserException("--holdout-subjects would leave nothing to train on");
            return List.copyOf(holdout);
        }
    }
}
