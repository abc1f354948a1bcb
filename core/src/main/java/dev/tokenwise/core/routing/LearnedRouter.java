package dev.tokenwise.core.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A router learned from rated prompts: logistic regression on {@link PromptFeatures}, predicting
 * that the weak model's answer is not acceptable. Stored as a small JSON artifact with its
 * calibration table (quality target → threshold), so a deployment picks a threshold without
 * seeing any curve.
 */
public final class LearnedRouter implements Router {
    /** The artifact shipped in the jar, trained by {@code tokenwise router train} on the MMLU data. */
    public static final String DEFAULT_RESOURCE = "/dev/tokenwise/core/routing/default-router.json";

    private final Logistic model;
    private final List<Calibrator.Choice> calibration;
    private final ObjectNode trainedOn;

    public LearnedRouter(Logistic model, List<Calibrator.Choice> calibration, ObjectNode trainedOn) {
        if (model.weights().length != PromptFeatures.NAMES.size()) {
            throw new IllegalArgumentException("router has " + model.weights().length + " weights but there are "
                    + PromptFeatures.NAMES.size() + " features");
        }
        this.model = model;
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
        boolean[] y = new boolean[examples.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = features.apply(examples.get(i).prompt());
            y[i] = !examples.get(i).weakOk();
        }
        return new LearnedRouter(Logistic.fit(x, y, lambda), List.of(), null);
    }

    @Override
    public double difficulty(String prompt) {
        return model.probability(PromptFeatures.extract(prompt));
    }

    @Override
    public String kind() { return "learned"; }

    public Logistic model() { return model; }

    public List<Calibrator.Choice> calibration() { return calibration; }

    public LearnedRouter withCalibration(List<Calibrator.Choice> c, ObjectNode trainedOn) {
        return new LearnedRouter(model, c, trainedOn);
    }

    /**
     * The calibrated threshold for a quality target: the entry for the smallest stored target at
     * or above it (stricter is safe), or empty when the target is stricter than every entry.
     */
    public Optional<Calibrator.Choice> thresholdFor(double qualityTarget) {
        return Artifacts.thresholdFor(calibration, qualityTarget);
    }

    public ObjectNode toJson() {
        return Artifacts.toJson("learned", PromptFeatures.NAMES, model, calibration, trainedOn);
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
        return new LearnedRouter(Artifacts.logistic(o), Artifacts.calibration(o),
                o.get("trained_on") instanceof ObjectNode on ? on : null);
    }
}
