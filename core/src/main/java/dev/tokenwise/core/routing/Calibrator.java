package dev.tokenwise.core.routing;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Picks a router threshold from a quality target on calibration data, with a statistical margin:
 * the threshold is the one sending the fewest prompts to the strong model whose one-sided
 * lower confidence bound of {@code accuracy ÷ strong accuracy} still reaches the target.
 *
 * <p>The bound is a percentile bootstrap. When the calibration prompts come in groups (subjects,
 * features, tenants) the groups are resampled rather than the prompts: new traffic differs by
 * topic, not only by sampling noise, so the margin must cover that shift. With
 * {@code groupsPerDraw > 0} each resample is a simulated new traffic mix of that many groups
 * (drawn with replacement): the bound then covers the spread between mixes of that size, which is
 * much wider than the spread of the calibration set's own average when there are many groups.
 */
public final class Calibrator {
    /** Groups needed before resampling groups instead of prompts. */
    static final int MIN_GROUPS = 5;
    /** A threshold above every difficulty (difficulties are in [0, 1]): nothing goes strong. */
    public static final double NEVER = Math.nextUp(1.0);

    /**
     * @param threshold route to the strong model when difficulty ≥ threshold
     * @param expectedQuality accuracy ÷ strong accuracy on the calibration data at that threshold
     * @param lowerBound the bootstrap lower bound of that ratio
     * @param strongShare share of calibration prompts sent strong
     */
    public record Choice(double qualityTarget, double threshold, double expectedQuality, double lowerBound,
                         double strongShare) {}

    /** Groups in one simulated mix of new traffic for {@link #standard()}. */
    public static final int STANDARD_GROUPS_PER_DRAW = 8;
    /**
     * Confidence of {@link #standard()}: one-sided 97.5%. The percentile bootstrap over a few dozen
     * groups is known to cover less than its nominal level; at 95% one of 40 held-out MMLU splits
     * still fell just below its target (docs/benchmarks.md).
     */
    public static final double STANDARD_CONFIDENCE = 0.975;

    private final double confidence;
    private final int resamples;
    private final int groupsPerDraw;

    /** A bound over resamples of as many groups as the calibration data has. */
    public Calibrator(double confidence, int resamples) {
        this(confidence, resamples, 0);
    }

    /**
     * @param confidence e.g. 0.95 for a one-sided 95% lower bound
     * @param groupsPerDraw groups in one simulated traffic mix (0: as many as the calibration data has)
     */
    public Calibrator(double confidence, int resamples, int groupsPerDraw) {
        if (confidence <= 0 || confidence >= 1) throw new IllegalArgumentException("confidence must be in (0,1), was " + confidence);
        if (resamples < 10) throw new IllegalArgumentException("resamples must be at least 10, was " + resamples);
        if (groupsPerDraw < 0) throw new IllegalArgumentException("groups per draw must be >= 0, was " + groupsPerDraw);
        this.confidence = confidence;
        this.resamples = resamples;
        this.groupsPerDraw = groupsPerDraw;
    }

    /** 97.5% lower bound over 1,000 simulated mixes of {@value #STANDARD_GROUPS_PER_DRAW} groups. */
    public static Calibrator standard() {
        return withGroupsPerDraw(STANDARD_GROUPS_PER_DRAW);
    }

    /** The standard bound for new traffic made of {@code groups} groups (0: the calibration data's own count). */
    public static Calibrator withGroupsPerDraw(int groups) {
        return new Calibrator(STANDARD_CONFIDENCE, 1000, groups);
    }

    public double confidence() { return confidence; }

    public int groupsPerDraw() { return groupsPerDraw; }

    public Choice choose(double[] difficulty, boolean[] weakOk, boolean[] strongOk, String[] groups,
                         double qualityTarget, RandomGenerator rng) {
        int n = difficulty.length;
        if (n == 0) throw new IllegalArgumentException("no calibration prompts");
        if (qualityTarget <= 0 || qualityTarget > 1) throw new IllegalArgumentException("quality_target must be in (0,1], was " + qualityTarget);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -difficulty[i]));
        // candidate cut positions: only between distinct scores (a threshold cannot split a tie)
        int[] cuts = new int[n + 1];
        int nc = 0;
        cuts[nc++] = 0;
        for (int k = 1; k <= n; k++) {
            if (k == n || difficulty[order[k]] != difficulty[order[k - 1]]) cuts[nc++] = k;
        }
        Map<String, Integer> groupIndex = new HashMap<>();
        int[] g = new int[n];
        for (int i = 0; i < n; i++) {
            String key = groups == null || groups[order[i]] == null ? "" : groups[order[i]];
            g[i] = groupIndex.computeIfAbsent(key, x -> groupIndex.size());
        }
        boolean byGroup = groupIndex.size() >= MIN_GROUPS;
        float[][] q = new float[resamples][nc];
        double[] row = new double[nc];
        double[] w = new double[n];
        for (int b = 0; b < resamples; b++) {
            Arrays.fill(w, 0);
            if (byGroup) {
                int[] gw = new int[groupIndex.size()];
                int draws = groupsPerDraw > 0 ? groupsPerDraw : gw.length;
                for (int j = 0; j < draws; j++) gw[rng.nextInt(gw.length)]++;
                for (int i = 0; i < n; i++) w[i] = gw[g[i]];
            } else {
                for (int j = 0; j < n; j++) w[rng.nextInt(n)]++;
            }
            fill(row, cuts, nc, order, weakOk, strongOk, w);
            for (int c = 0; c < nc; c++) q[b][c] = (float) row[c];
        }
        double[] point = new double[nc];
        Arrays.fill(w, 1);
        fill(point, cuts, nc, order, weakOk, strongOk, w);
        int lowIndex = (int) Math.floor((1 - confidence) * resamples);
        float[] col = new float[resamples];
        for (int c = 0; c < nc; c++) {
            for (int b = 0; b < resamples; b++) col[b] = q[b][c];
            Arrays.sort(col);
            double lower = col[Math.min(resamples - 1, lowIndex)];
            if (lower >= qualityTarget - 1e-12 || c == nc - 1) {
                int k = cuts[c];
                double threshold = k == 0 ? NEVER : difficulty[order[k - 1]];
                return new Choice(qualityTarget, threshold, point[c], lower, (double) k / n);
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** Quality ratio at every cut for one weighting of the prompts. */
    private static void fill(double[] out, int[] cuts, int nc, Integer[] order, boolean[] weakOk, boolean[] strongOk, double[] w) {
        int n = order.length;
        double strong = 0;
        double acc = 0;
        for (int i = 0; i < n; i++) {
            int o = order[i];
            if (strongOk[o]) strong += w[i];
            if (weakOk[o]) acc += w[i];
        }
        int c = 0;
        for (int k = 0; k <= n && c < nc; k++) {
            if (cuts[c] == k) {
                out[c++] = strong <= 0 ? 1 : acc / strong;
            }
            if (k < n) {
                int o = order[k];
                acc += w[k] * ((strongOk[o] ? 1 : 0) - (weakOk[o] ? 1 : 0));
            }
        }
    }
}
