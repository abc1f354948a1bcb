package dev.tokenwise.core.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small neural scorer for a (query, cached question) pair: one hidden ReLU layer over the
 * element-wise |u − v| and u ⊙ v of the two unit embeddings plus the lexical {@link PairFeatures},
 * all standardised. Written out plainly (no library) and trained deterministically by mini-batch
 * Adam with a fixed seed, so the same samples always give the same weights.
 *
 * @param dims embedding dimension the model was trained on
 * @param hidden hidden units
 * @param mean per-input training mean ({@code 2 * dims + PairFeatures.NAMES.size()} values)
 * @param std per-input training standard deviation
 * @param w1 hidden weights, row-major {@code [hidden][inputs]}
 * @param b1 hidden biases
 * @param w2 output weights
 * @param b2 output bias
 */
public record PairNet(int dims, int hidden, float[] mean, float[] std, float[] w1, float[] b1, float[] w2, double b2) {

    public PairNet {
        int inputs = inputs(dims);
        if (mean.length != inputs || std.length != inputs || w1.length != hidden * inputs || b1.length != hidden || w2.length != hidden) {
            throw new IllegalArgumentException("pair net shapes do not match dims " + dims + " and hidden " + hidden);
        }
    }

    /** A training or scoring example: the two unit vectors and the lexical features. */
    public record Pair(float[] u, float[] v, double[] lexical) {}

    /** Training settings; {@code seed} fixes initialisation and batch order. */
    public record Settings(int hidden, int epochs, double learningRate, double weightDecay, int batch, long seed) {
        public static final Settings DEFAULT = new Settings(64, 6, 1e-3, 1e-4, 128, 42);
    }

    static int inputs(int dims) {
        return 2 * dims + PairFeatures.NAMES.size();
    }

    /** Writes the raw (unstandardised) input of a pair into {@code out}. */
    static void raw(Pair p, float[] out) {
        int d = p.u().length;
        for (int j = 0; j < d; j++) {
            out[j] = Math.abs(p.u()[j] - p.v()[j]);
            out[d + j] = p.u()[j] * p.v()[j];
        }
        for (int j = 0; j < p.lexical().length; j++) out[2 * d + j] = (float) p.lexical()[j];
    }

    /** The probability that both questions ask the same thing. */
    public double score(Pair p) {
        if (p.u().length != dims || p.v().length != dims) {
            throw new IllegalArgumentException("pair net expects " + dims + "-dim vectors, got " + p.u().length);
        }
        float[] x = new float[inputs(dims)];
        raw(p, x);
        standardise(x);
        float[] h = new float[hidden];
        return sigmoid(forward(x, h));
    }

    private void standardise(float[] x) {
        for (int j = 0; j < x.length; j++) x[j] = (x[j] - mean[j]) / std[j];
    }

    private double forward(float[] x, float[] h) {
        int n = x.length;
        double z = b2;
        for (int k = 0; k < hidden; k++) {
            float s = b1[k];
            int row = k * n;
            for (int j = 0; j < n; j++) s += w1[row + j] * x[j];
            h[k] = Math.max(0, s);
            z += w2[k] * h[k];
        }
        return z;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** Fits a net on labelled pairs (all vectors of one dimension). */
    public static PairNet train(List<Pair> pairs, int[] y, Settings s) {
        if (pairs.isEmpty()) throw new IllegalArgumentException("no training pairs");
        int dims = pairs.get(0).u().length;
        int n = inputs(dims);
        int m = pairs.size();
        float[][] x = new float[m][n];
        for (int i = 0; i < m; i++) raw(pairs.get(i), x[i]);
        float[] mean = new float[n];
        float[] std = new float[n];
        double[] sum = new double[n];
        double[] sq = new double[n];
        for (float[] row : x) for (int j = 0; j < n; j++) { sum[j] += row[j]; sq[j] += (double) row[j] * row[j]; }
        for (int j = 0; j < n; j++) {
            double mu = sum[j] / m;
            mean[j] = (float) mu;
            std[j] = (float) Math.max(1e-4, Math.sqrt(Math.max(0, sq[j] / m - mu * mu)));
        }
        for (float[] row : x) for (int j = 0; j < n; j++) row[j] = (row[j] - mean[j]) / std[j];

        SplittableRandom rnd = new SplittableRandom(s.seed());
        int h = s.hidden();
        float[] w1 = new float[h * n];
        double scale1 = Math.sqrt(2.0 / n);
        for (int i = 0; i < w1.length; i++) w1[i] = (float) (gaussian(rnd) * scale1);
        float[] b1 = new float[h];
        float[] w2 = new float[h];
        double scale2 = Math.sqrt(1.0 / h);
        for (int k = 0; k < h; k++) w2[k] = (float) (gaussian(rnd) * scale2);
        PairNet net = new PairNet(dims, h, mean, std, w1, b1, w2, 0);
        Adam adam = new Adam(w1.length + 2 * h + 1, s.learningRate());

        int[] order = new int[m];
        for (int i = 0; i < m; i++) order[i] = i;
        float[] hid = new float[h];
        double[] g = new double[w1.length + 2 * h + 1]; // w1, b1, w2, b2
        for (int e = 0; e < s.epochs(); e++) {
            for (int i = m - 1; i > 0; i--) {
                int r = rnd.nextInt(i + 1);
                int t = order[i]; order[i] = order[r]; order[r] = t;
            }
            for (int start = 0; start < m; start += s.batch()) {
                int end = Math.min(m, start + s.batch());
                java.util.Arrays.fill(g, 0);
                for (int b = start; b < end; b++) {
                    float[] xi = x[order[b]];
                    double err = (sigmoid(net.forward(xi, hid)) - y[order[b]]) / (end - start);
                    for (int k = 0; k < h; k++) {
                        g[w1.length + h + k] += err * hid[k];
                        if (hid[k] <= 0) continue;
                        double gk = err * w2[k];
                        g[w1.length + k] += gk;
                        int row = k * n;
                        for (int j = 0; j < n; j++) g[row + j] += gk * xi[j];
                    }
                    g[g.length - 1] += err;
                }
                for (int i = 0; i < w1.length; i++) g[i] += s.weightDecay() * w1[i];
                for (int k = 0; k < h; k++) g[w1.length + h + k] += s.weightDecay() * w2[k];
                adam.step(g);
                for (int i = 0; i < w1.length; i++) w1[i] -= (float) adam.delta[i];
                for (int k = 0; k < h; k++) {
                    b1[k] -= (float) adam.delta[w1.length + k];
                    w2[k] -= (float) adam.delta[w1.length + h + k];
                }
                net = new PairNet(dims, h, mean, std, w1, b1, w2, net.b2 - adam.delta[g.length - 1]);
            }
        }
        return new PairNet(dims, h, mean, std, w1, b1, w2, (float) net.b2);
    }

    private static double gaussian(SplittableRandom rnd) {
        double u1 = 1 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Adam moments over one flat parameter vector; {@link #step} leaves the update in {@code delta}. */
    private static final class Adam {
        final double[] m, v, delta;
        final double lr;
        int t;

        Adam(int size, double lr) {
            this.m = new double[size];
            this.v = new double[size];
            this.delta = new double[size];
            this.lr = lr;
        }

        void step(double[] g) {
            t++;
            double c1 = 1 - Math.pow(0.9, t);
            double c2 = 1 - Math.pow(0.999, t);
            for (int i = 0; i < g.length; i++) {
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                delta[i] = lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + 1e-8);
            }
        }
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("dims", dims);
        o.put("hidden", hidden);
        put(o.putArray("mean"), mean);
        put(o.putArray("std"), std);
        put(o.putArray("w1"), w1);
        put(o.putArray("b1"), b1);
        put(o.putArray("w2"), w2);
        o.put("b2", (float) b2);
        return o;
    }

    public static PairNet fromJson(JsonNode n) {
        return new PairNet(n.path("dims").asInt(), n.path("hidden").asInt(), floats(n.path("mean")), floats(n.path("std")),
                floats(n.path("w1")), floats(n.path("b1")), floats(n.path("w2")), (float) n.path("b2").asDouble());
    }

    private static void put(ArrayNode a, float[] v) {
        for (float f : v) a.add(f);
    }

    private static float[] floats(JsonNode a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) a.get(i).asDouble();
        return out;
    }
}
