package dev.tokenwise.core.routing;

/**
 * L2-regularised logistic regression fitted by Newton's method (IRLS) on standardised features.
 * Small and exact for the few dozen features routing uses; no library needed at this size.
 *
 * @param mean per-feature mean used for standardising
 * @param scale per-feature standard deviation (1 when a feature is constant)
 * @param weights per-feature weight on the standardised value
 * @param bias intercept
 */
public record Logistic(double[] mean, double[] scale, double[] weights, double bias) {

    public double probability(double[] x) {
        double z = bias;
        for (int j = 0; j < weights.length; j++) z += weights[j] * (x[j] - mean[j]) / scale[j];
        return 1 / (1 + Math.exp(-z));
    }

    /** Fits y ~ x with L2 penalty {@code lambda} (on the standardised weights, not the bias). */
    public static Logistic fit(double[][] x, boolean[] y, double lambda) {
        int n = x.length;
        if (n == 0) throw new IllegalArgumentException("cannot fit on zero examples");
        int d = x[0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (double[] r : x) for (int j = 0; j < d; j++) mean[j] += r[j] / n;
        for (double[] r : x) for (int j = 0; j < d; j++) scale[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / n;
        for (int j = 0; j < d; j++) scale[j] = scale[j] > 1e-12 ? Math.sqrt(scale[j]) : 1;
        double[][] z = new double[n][d + 1];
        for (int i = 0; i < n; i++) {
            z[i][0] = 1;
            for (int j = 0; j < d; j++) z[i][j + 1] = (x[i][j] - mean[j]) / scale[j];
        }
        double[] w = new double[d + 1];
        for (int iter = 0; iter < 25; iter++) {
            double[] grad = new double[d + 1];
            double[][] h = new double[d + 1][d + 1];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j <= d; j++) s += w[j] * z[i][j];
                double p = 1 / (1 + Math.exp(-s));
                double r = p - (y[i] ? 1 : 0);
                double v = Math.max(p * (1 - p), 1e-9);
                for (int j = 0; j <= d; j++) {
                    grad[j] += r * z[i][j];
                    double vz = v * z[i][j];
                    for (int k = 0; k <= j; k++) h[j][k] += vz * z[i][k];
                }
            }
            for (int j = 0; j <= d; j++) for (int k = j + 1; k <= d; k++) h[j][k] = h[k][j];
            for (int j = 1; j <= d; j++) {
                grad[j] += lambda * w[j];
                h[j][j] += lambda;
            }
            h[0][0] += 1e-9;
            double[] step = solve(h, grad);
            double max = 0;
            for (int j = 0; j <= d; j++) {
                w[j] -= step[j];
                max = Math.max(max, Math.abs(step[j]));
            }
            if (max < 1e-7) break;
        }
        double[] weights = new double[d];
        System.arraycopy(w, 1, weights, 0, d);
        return new Logistic(mean, scale, weights, w[0]);
    }

    /** Solves a x = b for a symmetric positive-definite a (Gaussian elimination with pivoting). */
    static double[] solve(double[][] a0, double[] b0) {
        int n = b0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) a[i] = a0[i].clone();
        double[] b = b0.clone();
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
            double[] t = a[c]; a[c] = a[p]; a[p] = t;
            double tb = b[c]; b[c] = b[p]; b[p] = tb;
            if (Math.abs(a[c][c]) < 1e-12) continue;
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                if (f == 0) continue;
                for (int k = c; k < n; k++) a[r][k] -= f * a[c][k];
                b[r] -= f * b[c];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int k = r + 1; k < n; k++) s -= a[r][k] * x[k];
            x[r] = Math.abs(a[r][r]) < 1e-12 ? 0 : s / a[r][r];
        }
        return x;
    }
}
