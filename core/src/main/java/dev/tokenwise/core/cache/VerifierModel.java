package dev.tokenwise.core.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

/**
 * The hit verifier's scorer: the probability that a cached question asks the same thing as the
 * query. Either a {@link PairNet} over both embeddings and the lexical {@link PairFeatures}, or a
 * logistic regression on the lexical features plus (optionally) {@link BoostedTrees} fitted on its
 * residual. Also names the {@link Guards} that refuse a pair outright (the others are only
 * features). Trained by {@code tokenwise eval cache --train}, shipped as {@code verifier.json}.
 *
 * @param features feature names (must equal {@link PairFeatures#NAMES})
 * @param mean per-feature training mean
 * @param std per-feature training standard deviation
 * @param weights per-feature weight on the standardised value
 * @param bias intercept
 * @param defaultThreshold the score threshold chosen for precision on the training split
 * @param trainedOn how the model was made (data, split, sample count), for reproducibility
 * @param trees boosted trees added to the linear score, or null
 * @param hardGuards the guards that refuse a pair whatever its score ({@link Guards#NAMES})
 * @param net the neural scorer; when present it replaces the linear score and trees
 */
public record VerifierModel(List<String> features, double[] mean, double[] std, double[] weights, double bias,
                            double defaultThreshold, String trainedOn, BoostedTrees trees, Set<String> hardGuards, PairNet net) {
    public static final String RESOURCE = "/dev/tokenwise/core/cache/verifier.json";

    public VerifierModel {
        if (!features.equals(PairFeatures.NAMES)) {
            throw new IllegalArgumentException("verifier features " + features + " do not match " + PairFeatures.NAMES);
        }
        if (!Guards.NAMES.containsAll(hardGuards)) {
            throw new IllegalArgumentException("unknown guards " + hardGuards + "; known: " + Guards.NAMES);
        }
        hardGuards = Set.copyOf(hardGuards);
    }

    /** A linear model (optionally with trees) refusing on every guard, the original kind. */
    public VerifierModel(List<String> features, double[] mean, double[] std, double[] weights, double bias,
                         double defaultThreshold, String trainedOn, BoostedTrees trees) {
        this(features, mean, std, weights, bias, defaultThreshold, trainedOn, trees, Guards.NAMES, null);
    }

    /** A neural model: only {@code hardGuards} refuse outright. */
    public static VerifierModel neural(PairNet net, Set<String> hardGuards, double defaultThreshold, String trainedOn) {
        return new VerifierModel(PairFeatures.NAMES, new double[0], new double[0], new double[0], 0, defaultThreshold,
                trainedOn, null, hardGuards, net);
    }

    /**
     * The score of a pair from its lexical features and, for a neural model, both unit vectors
     * (a linear model ignores the vectors, which may then be null).
     */
    public double score(double[] lexical, float[] query, float[] cached) {
        if (net == null) return score(lexical);
        if (query == null || cached == null) throw new IllegalArgumentException("this verifier needs both embeddings");
        return net.score(new PairNet.Pair(query, cached, lexical));
    }

    /** The linear (and trees) score; only for models without a net. */
    public double score(double[] x) {
        if (net != null) throw new IllegalStateException("this verifier needs both embeddings");
        double z = linear(x);
        if (trees != null) z += trees.raw(x);
        return 1 / (1 + Math.exp(-z));
    }

    private double linear(double[] x) {
        double z = bias;
        for (int i = 0; i < x.length; i++) z += weights[i] * (x[i] - mean[i]) / std[i];
        return z;
    }

    /** This model with boosted trees fitted on the residual of its linear score. */
    public VerifierModel boosted(double[][] x, int[] y, int rounds) {
        double[] base = new double[x.length];
        for (int i = 0; i < x.length; i++) base[i] = linear(x[i]);
        return new VerifierModel(features, mean, std, weights, bias, defaultThreshold, trainedOn,
                BoostedTrees.fit(x, y, base, rounds, 0.1, 1.0), hardGuards, net);
    }

    /** The model bundled with tokenwise. */
    public static VerifierModel bundled() {
        return bundled(RESOURCE);
    }

    /** A bundled model by class-path resource (one per embedding model). */
    public static VerifierModel bundled(String resource) {
        try (InputStream in = VerifierModel.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource);
            return fromJson(Json.MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static VerifierModel fromJson(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.path("features").forEach(f -> names.add(f.asText()));
        Set<String> guards = new java.util.LinkedHashSet<>();
        if (n.has("hard_guards")) n.path("hard_guards").forEach(g -> guards.add(g.asText()));
        else guards.addAll(Guards.NAMES);
        return new VerifierModel(names, doubles(n.path("mean")), doubles(n.path("std")), doubles(n.path("weights")),
                n.path("bias").asDouble(), n.path("default_threshold").asDouble(), n.path("trained_on").asText(),
                n.path("trees").isArray() ? BoostedTrees.fromJson(n.path("trees")) : null, guards,
                n.path("net").isObject() ? PairNet.fromJson(n.path("net")) : null);
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        ArrayNode f = o.putArray("features");
        features.forEach(f::add);
        put(o.putArray("mean"), mean);
        put(o.putArray("std"), std);
        put(o.putArray("weights"), weights);
        o.put("bias", round(bias));
        o.put("default_threshold", defaultThreshold);
        o.put("trained_on", trainedOn);
        ArrayNode g = o.putArray("hard_guards");
        Guards.NAMES.stream().filter(hardGuards::contains).forEach(g::add);
        if (trees != null) o.set("trees", trees.toJson());
        if (net != null) o.set("net", net.toJson());
        return o;
    }

    /**
     * Fits by full-batch gradient descent with L2 regularisation. Deterministic: the same samples
     * give the same model.
     */
    public static VerifierModel train(double[][] x, int[] y, double l2, int epochs, double defaultThreshold, String trainedOn) {
        int d = PairFeatures.NAMES.size();
        int n = x.length;
        double[] mean = new double[d];
        double[] std = new double[d];
        for (double[] row : x) for (int j = 0; j < d; j++) mean[j] += row[j] / n;
        for (double[] row : x) for (int j = 0; j < d; j++) std[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / n;
        for (int j = 0; j < d; j++) std[j] = Math.max(1e-6, Math.sqrt(std[j]));
        double[][] z = new double[n][d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) z[i][j] = (x[i][j] - mean[j]) / std[j];
        double[] w = new double[d];
        double b = 0;
        double lr = 0.5;
        for (int e = 0; e < epochs; e++) {
            double[] gw = new double[d];
            double gb = 0;
            for (int i = 0; i < n; i++) {
                double s = b;
                for (int j = 0; j < d; j++) s += w[j] * z[i][j];
                double p = 1 / (1 + Math.exp(-s));
                double err = p - y[i];
                for (int j = 0; j < d; j++) gw[j] += err * z[i][j];
                gb += err;
            }
            for (int j = 0; j < d; j++) w[j] -= lr * (gw[j] / n + l2 * w[j]);
            b -= lr * gb / n;
        }
        for (int j = 0; j < d; j++) w[j] = round(w[j]);
        for (int j = 0; j < d; j++) { mean[j] = round(mean[j]); std[j] = round(std[j]); }
        return new VerifierModel(PairFeatures.NAMES, mean, std, w, round(b), defaultThreshold, trainedOn, null);
    }

    public VerifierModel withDefaultThreshold(double t, String trainedOn) {
        return new VerifierModel(features, mean, std, weights, bias, t, trainedOn, trees, hardGuards, net);
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    private static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asDouble();
        return out;
    }

    private static void put(ArrayNode a, double[] v) {
        for (double d : v) a.add(round(d));
    }
}
