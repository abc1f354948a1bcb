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

/** The JSON shape shared by router and cascade-scorer artifacts: features, weights, calibration table. */
final class Artifacts {
    static final int FORMAT = 1;

    private Artifacts() {}

    /** @param models named logistic models, e.g. {@code weak_ok} and {@code strong_ok} */
    static ObjectNode toJson(String kind, List<String> features, java.util.Map<String, Logistic> models,
                             List<Calibrator.Choice> calibration, ObjectNode trainedOn) {
        ObjectNode o = Json.object();
        o.put("kind", kind);
        o.put("format", FORMAT);
        ArrayNode names = o.putArray("features");
        features.forEach(names::add);
        ObjectNode ms = o.putObject("models");
        models.forEach((name, model) -> {
            ObjectNode m = ms.putObject(name);
            array(m.putArray("mean"), model.mean());
            array(m.putArray("scale"), model.scale());
            array(m.putArray("weights"), model.weights());
            m.put("bias", model.bias());
        });
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

    static void check(JsonNode o, String kind, List<String> features, String source) {
        if (!kind.equals(o.path("kind").asText()) || o.path("format").asInt() != FORMAT) {
            throw new IllegalArgumentException(source + ": not a " + kind + " artifact of format " + FORMAT
                    + " (kind '" + o.path("kind").asText() + "', format " + o.path("format").asInt() + ")");
        }
        List<String> names = new ArrayList<>();
        o.path("features").forEach(n -> names.add(n.asText()));
        if (!names.equals(features)) {
            throw new IllegalArgumentException(source + ": trained on features " + names + ", this version computes "
                    + features + "; retrain with 'tokenwise router train'");
        }
    }

    static Logistic logistic(JsonNode root, String name, String source) {
        JsonNode o = root.path("models").path(name);
        if (!o.isObject()) throw new IllegalArgumentException(source + ": no model '" + name + "'");
        if (o.path("weights").size() != root.path("features").size()) {
            throw new IllegalArgumentException(source + ": model '" + name + "' has " + o.path("weights").size()
                    + " weights for " + root.path("features").size() + " features");
        }
        return new Logistic(doubles(o.path("mean")), doubles(o.path("scale")), doubles(o.path("weights")), o.path("bias").asDouble());
    }

    static List<Calibrator.Choice> calibration(JsonNode o) {
        List<Calibrator.Choice> cal = new ArrayList<>();
        for (JsonNode e : o.path("calibration")) {
            cal.add(new Calibrator.Choice(e.path("quality_target").asDouble(), e.path("threshold").asDouble(),
                    e.path("expected_quality").asDouble(), e.path("lower_bound").asDouble(), e.path("strong_share").asDouble()));
        }
        return cal;
    }

    static Optional<Calibrator.Choice> thresholdFor(List<Calibrator.Choice> calibration, double qualityTarget) {
        Calibrator.Choice best = null;
        for (Calibrator.Choice c : calibration) {
            if (c.qualityTarget() >= qualityTarget - 1e-12 && (best == null || c.qualityTarget() < best.qualityTarget())) best = c;
        }
        return Optional.ofNullable(best);
    }

    static void save(ObjectNode o, Path file) {
        try {
            if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static JsonNode resource(String name) {
        try (InputStream in = Artifacts.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("bundled artifact " + name + " is missing from the jar");
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
