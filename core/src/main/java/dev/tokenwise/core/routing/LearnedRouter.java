package dev.tokenwise.core.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    public static final int FORMAT = 1;

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
        double[][] x = new double[examples.size()][];
        boolean[] y = new boolean[examples.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = PromptFeatures.extract(examples.get(i).prompt());
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
        Calibrator.Choice best = null;
        for (Calibrator.Choice c : calibration) {
            if (c.qualityTarget() >= qualityTarget - 1e-12 && (best == null || c.qualityTarget() < best.qualityTarget())) best = c;
        }
        return Optional.ofNullable(best);
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("kind", "learned");
        o.put("format", FORMAT);
        o.put("label", "weak_not_ok");
        ArrayNode names = o.putArray("features");
        PromptFeatures.NAMES.forEach(names::add);
        array(o.putArray("mean"), model.mean());
        array(o.putArray("scale"), model.scale());
        array(o.putArray("weights"), model.weights());
        o.put("bias", model.bias());
        ArrayNode cal = o.putArray("calibration");
        for (Calibrator.Choice c : calibration) {
            ObjectNode e = cal.addObject();
            e.put("quality_target", c.qualityTarget());
            e.put("threshold", c.threshold());
            e.put("expected_quality", c.expectedQuality());
            e.put("lower_bound", c.lowerBound());
            e.put("strong_share", c.strongShare());
        }
        o.set("trained_on", trainedOn);
        return o;
    }

    public void save(Path file) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJson()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static LearnedRouter load(Path file) {
        try {
            return fromJson(Json.MAPPER.readTree(file.toFile()), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read router " + file + ": " + e.getMessage(), e);
        }
    }

    /** The router shipped in the jar. */
    public static LearnedRouter bundled() {
        try (InputStream in = LearnedRouter.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) throw new IllegalStateException("bundled router " + DEFAULT_RESOURCE + " is missing from the jar");
            return fromJson(Json.MAPPER.readTree(in), DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LearnedRouter fromJson(JsonNode o, String source) {
        if (!"learned".equals(o.path("kind").asText()) || o.path("format").asInt() != FORMAT) {
            throw new IllegalArgumentException(source + ": not a learned router of format " + FORMAT);
        }
        List<String> names = new ArrayList<>();
        o.path("features").forEach(n -> names.add(n.asText()));
        if (!names.equals(PromptFeatures.NAMES)) {
            throw new IllegalArgumentException(source + ": trained on features " + names + ", this version computes "
                    + PromptFeatures.NAMES + "; retrain with 'tokenwise router train'");
        }
        Logistic m = new Logistic(doubles(o.path("mean")), doubles(o.path("scale")), doubles(o.path("weights")),
                o.path("bias").asDouble());
        List<Calibrator.Choice> cal = new ArrayList<>();
        for (JsonNode e : o.path("calibration")) {
            cal.add(new Calibrator.Choice(e.path("quality_target").asDouble(), e.path("threshold").asDouble(),
                    e.path("expected_quality").asDouble(), e.path("lower_bound").asDouble(), e.path("strong_share").asDouble()));
        }
        JsonNode t = o.get("trained_on");
        return new LearnedRouter(m, cal, t instanceof ObjectNode on ? on : null);
    }

    private static void array(ArrayNode a, double[] v) {
        for (double d : v) a.add(d);
    }

    private static double[] doubles(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) v[i] = a.get(i).asDouble();
        return v;
    }
}
