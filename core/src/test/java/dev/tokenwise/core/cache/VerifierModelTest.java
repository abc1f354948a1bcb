package dev.tokenwise.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VerifierModelTest {
    /** Samples whose label needs an interaction: positive only when cosine AND overlap are high. */
    private static double[][] x(int n, int[] y) {
        SplittableRandom rnd = new SplittableRandom(7);
        int d = PairFeatures.NAMES.size();
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) x[i][j] = rnd.nextDouble();
            y[i] = x[i][0] > 0.5 && x[i][3] > 0.5 ? 1 : 0;
        }
        return x;
    }

    private static double accuracy(VerifierModel m, double[][] x, int[] y) {
        int ok = 0;
        for (int i = 0; i < x.length; i++) if ((m.score(x[i]) >= 0.5 ? 1 : 0) == y[i]) ok++;
        return (double) ok / x.length;
    }

    @Test
    void training_is_deterministic_and_learns_the_signal() {
        int[] y = new int[2000];
        double[][] x = x(2000, y);
        VerifierModel a = VerifierModel.train(x, y, 1e-4, 500, 0.5, "test");
        VerifierModel b = VerifierModel.train(x, y, 1e-4, 500, 0.5, "test");
        assertThat(a.weights()).containsExactly(b.weights());
        assertThat(accuracy(a, x, y)).isGreaterThan(0.8);
    }

    @Test
    void boosted_trees_capture_an_interaction_the_linear_score_misses() {
        int[] y = new int[2000];
        double[][] x = x(2000, y);
        VerifierModel linear = VerifierModel.train(x, y, 1e-4, 500, 0.5, "test");
        VerifierModel boosted = linear.boosted(x, y, 100);
        assertThat(accuracy(boosted, x, y)).isGreaterThan(accuracy(linear, x, y)).isGreaterThan(0.95);
    }

    @Test
    void a_model_survives_a_json_round_trip() {
        int[] y = new int[500];
        double[][] x = x(500, y);
        VerifierModel m = VerifierModel.train(x, y, 1e-4, 200, 0.5, "test").boosted(x, y, 20).withDefaultThreshold(0.9, "test");
        VerifierModel back = VerifierModel.fromJson(m.toJson());
        for (int i = 0; i < 50; i++) assertThat(back.score(x[i])).isCloseTo(m.score(x[i]), org.assertj.core.data.Offset.offset(1e-4));
        assertThat(back.defaultThreshold()).isEqualTo(0.9);
    }
}
