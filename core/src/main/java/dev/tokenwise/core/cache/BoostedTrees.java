package dev.tokenwise.core.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.tokenwise.core.wire.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Gradient-boosted depth-2 trees for the logistic loss (a tiny GBDT): captures interactions a
 * linear score misses, e.g. "high cosine is only convincing when few content words differ".
 * Deterministic: candidate thresholds are feature quantiles, no sampling.
 */
public final class BoostedTrees {
    /** One depth-2 tree: root split, one split per child, four leaves (left-left .. right-right). */
    record Tree(int f0, double t0, int f1, double t1, int f2, double t2, double[] leaves) {
        double value(double[] x) {
            if (x[f0] <= t0) return x[f1] <= t1 ? leaves[0] : leaves[1];
            return x[f2] <= t2 ? leaves[2] : leaves[3];
        }
    }

    private final List<Tree> trees;

    private BoostedTrees(List<Tree> trees) {
        this.trees = List.copyOf(trees);
    }

    public double raw(double[] x) {
        double z = 0;
        for (Tree t : trees) z += t.value(x);
        return z;
    }

    public int size() { return trees.size(); }

    public static BoostedTrees fit(double[][] x, int[] y, double[] base, int rounds, double learningRate, double lambda) {
        int n = x.length;
        int d = x[0].length;
        double[][] cuts = new double[d][];
        for (int j = 0; j < d; j++) {
            double[] col = new double[n];
            for (int i = 0; i < n; i++) col[i] = x[i][j];
            Arrays.sort(col);
            double[] c = new double[15];
            for (int q = 1; q <= 15; q++) c[q - 1] = col[Math.min(n - 1, (int) ((long) q * n / 16))];
            cuts[j] = Arrays.stream(c).distinct().toArray();
        }
        double[] z = base.clone();
        List<Tree> trees = new ArrayList<>();
        double[] g = new double[n];
        double[] h = new double[n];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < n; i++) {
                double p = 1 / (1 + Math.exp(-z[i]));
                g[i] = y[i] - p;
                h[i] = Math.max(1e-6, p * (1 - p));
            }
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            double[] root = bestSplit(x, g, h, all, cuts, lambda);
            int[][] parts = partition(x, all, (int) root[0], root[1]);
            double[] left = bestSplit(x, g, h, parts[0], cuts, lambda);
            double[] right = bestSplit(x, g, h, parts[1], cuts, lambda);
            int[][] lp = partition(x, parts[0], (int) left[0], left[1]);
            int[][] rp = partition(x, parts[1], (int) right[0], right[1]);
            double[] leaves = {leaf(g, h, lp[0], lambda) * learningRate, leaf(g, h, lp[1], lambda) * learningRate,
                    leaf(g, h, rp[0], lambda) * learningRate, leaf(g, h, rp[1], lambda) * learningRate};
            Tree t = new Tree((int) root[0], root[1], (int) left[0], left[1], (int) right[0], right[1], leaves);
            trees.add(t);
            for (int i = 0; i < n; i++) z[i] += t.value(x[i]);
        }
        return new BoostedTrees(trees);
    }

    private static double leaf(double[] g, double[] h, int[] idx, double lambda) {
        double sg = 0, sh = 0;
        for (int i : idx) { sg += g[i]; sh += h[i]; }
        return sg / (sh + lambda);
    }

    /** {feature, threshold} maximising the Newton gain; feature 0 / +inf when nothing helps. */
    private static double[] bestSplit(double[][] x, double[] g, double[] h, int[] idx, double[][] cuts, double lambda) {
        double sg = 0, sh = 0;
        for (int i : idx) { sg += g[i]; sh += h[i]; }
        double parent = sg * sg / (sh + lambda);
        double bestGain = 0;
        double[] best = {0, Double.POSITIVE_INFINITY};
        for (int j = 0; j < cuts.length; j++) {
            double[] c = cuts[j];
            double[] lg = new double[c.length];
            double[] lh = new double[c.length];
            for (int i : idx) {
                double v = x[i][j];
                for (int k = 0; k < c.length; k++) {
                    if (v <= c[k]) { lg[k] += g[i]; lh[k] += h[i]; }
                }
            }
            for (int k = 0; k < c.length; k++) {
                double rg = sg - lg[k], rh = sh - lh[k];
                if (lh[k] < 1 || rh < 1) continue;
                double gain = lg[k] * lg[k] / (lh[k] + lambda) + rg * rg / (rh + lambda) - parent;
                if (gain > bestGain) {
                    bestGain = gain;
                    best = new double[] {j, c[k]};
                }
            }
        }
        return best;
    }

    private static int[][] partition(double[][] x, int[] idx, int f, double t) {
        int nl = 0;
        for (int i : idx) if (x[i][f] <= t) nl++;
        int[] l = new int[nl];
        int[] r = new int[idx.length - nl];
        int a = 0, b = 0;
        for (int i : idx) {
            if (x[i][f] <= t) l[a++] = i; else r[b++] = i;
        }
        return new int[][] {l, r};
    }

    ArrayNode toJson() {
        ArrayNode arr = Json.array();
        for (Tree t : trees) {
            ArrayNode a = arr.addArray();
            // thresholds are exact sample values: rounding them would move samples across the split
            a.add(t.f0).add(exact(t.t0)).add(t.f1).add(exact(t.t1)).add(t.f2).add(exact(t.t2));
            for (double l : t.leaves) a.add(round(l));
        }
        return arr;
    }

    static BoostedTrees fromJson(JsonNode arr) {
        List<Tree> trees = new ArrayList<>();
        for (JsonNode a : arr) {
            trees.add(new Tree(a.get(0).asInt(), num(a.get(1)), a.get(2).asInt(), num(a.get(3)), a.get(4).asInt(), num(a.get(5)),
                    new double[] {a.get(6).asDouble(), a.get(7).asDouble(), a.get(8).asDouble(), a.get(9).asDouble()}));
        }
        return new BoostedTrees(trees);
    }

    private static double num(JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.POSITIVE_INFINITY;
    }

    private static JsonNode exact(double v) {
        if (Double.isInfinite(v)) return Json.MAPPER.getNodeFactory().textNode("inf");
        return Json.MAPPER.getNodeFactory().numberNode(v);
    }

    private static JsonNode round(double v) {
        return Json.MAPPER.getNodeFactory().numberNode(Math.round(v * 1e6) / 1e6);
    }
}
