package dev.tokenwise.core.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A router learned from rated prompts: two logistic regressions on {@link PromptFeatures}, one
 * for "the weak model's answer is acceptable" and one for the strong model's; the difficulty is
 * the expected gain of the strong model, {@code (1 + P(strong ok) − P(weak ok)) / 2}. Predicting
 * the gain rather than only the weak model's failures keeps questions both models fail (no gain
 * from paying for the strong one) from crowding out the ones that pay off. Stored as a small JSON artifact with its
 * calibration table (quality target → threshold), so a deployment picks a threshold without
 * seeing any curve.
 */
public final class LearnedRouter implements Router {
    /** The artifact shipped in the jar, trained by {@code tokenwise router train} on the MMLU data. */
    public static final String DEFAULT_RESOURCE = "/dev/tokenwise/core/routing/default-router.json";

    private final Logistic weak;
    private final Logistic strong;
    private final List<Calibrator.Choice> calibration;
    private final ObjectNode trainedOn;

    public LearnedRouter(Logistic weak, Logistic strong, List<Calibrator.Choice> calibration, ObjectNode trainedOn) {
        for (Logistic m : List.of(weak, strong)) {
            if (m.weights().length != PromptFeatures.NAMES.size()) {
                throw new IllegalArgumentException("router has " + m.weights().length + " weights but there are "
                        + PromptFeatures.NAMES.size() + " features");
            }
        }
        this.weak = weak;
        this.strong = strong;
        this.calibration = List.copyOf(calibration);
        this.trainedOn = trainedOn == null ? Json.object() : trainedOn.deepCopy();
    }

    /** Fits the model (no calibration) on rated prompts. */
    public static LearnedRouter fit(List<LabelledPrompt> examples, double lambda) {
        return fit(examples, lambda, PromptFeatures::extract);
    }

    /** Fits with a feature function (e.g. {@link PromptFeatures#memoised()}). */
    public static LearnedRouter fit(List<LabelledPrompt> examples, double lambda, java.util.function.Function<String, double[]> features) {
        double[][] x = new double[examples.size()][];
        boolean[] w = new boolean[examples.size()];
        boolean[] s = new boolean[examples.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = features.apply(examples.get(i).prompt());
            w[i] = examples.get(i).weakOk();
            s[i] = examples.get(i).strongOk();
        }
        return new LearnedRouter(Logistic.fit(x, w, lambda), Logistic.fit(x, s, lambda), List.of(), null);
    }

    @Override
    public double difficulty(String prompt) {
        return difficulty(PromptFeatures.extract(prompt));
    }

    /** Difficulty from an already extracted feature vector. */
    public double difficulty(double[] features) {
        return (1 + strong.probability(features) - weak.probability(features)) / 2;
    }

    @Override
    public String kind() { return "learned"; }

    public Logistic weakModel() { return weak; }

    public Logistic strongModel() { return strong; }

    public List<Calibrator.Choice> calibration() { return calibration; }

    /** Subjects of its training source that training and calibration left out (empty when none were). */
    public List<String> heldOut() {
        List<String> held = new java.util.ArrayList<>();
        trainedOn.path("held_out").forEach(n -> held.add(n.asText()));
        return List.copyOf(held);
    }

    public LearnedRouter withCalibration(List<Calibrator.Choice> c, ObjectNode trainedOn) {
        return new LearnedRouter(weak, strong, c, trainedOn);
    }

    /**
     * The calibrated threshold for a quality target: the entry for the smallest stored target at
     * or above it (stricter is safe), or empty when the target is stricter than every entry.
     */
    public Optional<Calibrator.Choice> thresholdFor(double qualityTarget) {
        return Artifacts.thresholdFor(calibration, qualityTarget);
    }

    public ObjectNode toJson() {
        return Artifacts.toJson("learned", PromptFeatures.NAMES, java.util.Map.of("weak_ok", weak, "strong_ok", strong), calibration, trainedOn);
    }

    public void save(Path file) {
        Artifacts.save(toJson(), file);
    }

    public static LearnedRouter load(Path file) {
        return fromJson(Artifacts.read(file), file.toString());
    }

    /** The router shipped in the jar. */
    public static LearnedRouter bundled() {
        return fromJson(Artifacts.resource(DEFAULT_RESOURCE), DEFAULT_RESOURCE);
    }

    static LearnedRouter fromJson(JsonNode o, String source) {
        Artifacts.check(o, "learned", PromptFeatures.NAMES, source);
        return new LearnedRouter(Artifacts.logistic(o, "weak_ok", source), Artifacts.logistic(o, "strong_ok", source),
                Artifacts.calibration(o),
                o.get("trained_on") instanceof ObjectNode on ? on : null);
    }
}
