package dev.tokenwise.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairNetTest {
    private static final int DIMS = 8;
    private static final PairNet.Settings FAST = new PairNet.Settings(8, 30, 1e-2, 1e-4, 32, 7);

    private static float[] unit(float[] v) {
        double n = 0;
        for (float f : v) n += f * f;
        for (int i = 0; i < v.length; i++) v[i] /= (float) Math.sqrt(n);
        return v;
    }

    /**
     * Pairs that are "the same question" exactly when the two vectors agree on the sign of the first
     * dimension and differ only by small noise elsewhere: a rule that needs the vectors, not cosine alone.
     */
    private static List<PairNet.Pair> pairs(int n, int[] y, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<PairNet.Pair> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] u = new float[DIMS];
            for (int d = 0; d < DIMS; d++) u[d] = (float) rnd.nextDouble(-1, 1);
            float[] v = u.clone();
            for (int d = 1; d < DIMS; d++) v[d] += (float) rnd.nextDouble(-0.1, 0.1);
            y[i] = rnd.nextBoolean() ? 1 : 0;
            if (y[i] == 0) v[0] = -v[0];
            double[] lexical = new double[PairFeatures.NAMES.size()];
            lexical[0] = PairFeatures.dot(unit(u), unit(v));
            out.add(new PairNet.Pair(u, v, lexical));
        }
        return out;
    }

    @Test
    void training_is_deterministic_and_learns_a_rule_over_the_vectors() {
        int[] y = new int[600];
        List<PairNet.Pair> train = pairs(600, y, 1);
        PairNet a = PairNet.train(train, y, FAST);
        PairNet b = PairNet.train(train, y, FAST);
        assertThat(a.w1()).containsExactly(b.w1());
        assertThat(a.b2()).isEqualTo(b.b2());

        int[] yt = new int[300];
        List<PairNet.Pair> test = pairs(300, yt, 2);
        int ok = 0;
        for (int i = 0; i < test.size(); i++) if ((a.score(test.get(i)) >= 0.5 ? 1 : 0) == yt[i]) ok++;
        assertThat((double) ok / test.size()).isGreaterThan(0.9);
    }

    @Test
    void a_net_survives_a_json_round_trip_exactly() {
        int[] y = new int[100];
        List<PairNet.Pair> train = pairs(100, y, 3);
        PairNet net = PairNet.train(train, y, new PairNet.Settings(4, 2, 1e-2, 1e-4, 16, 1));
        PairNet back = PairNet.fromJson(net.toJson());
        for (PairNet.Pair p : train) assertThat(back.score(p)).isEqualTo(net.score(p));
    }

    @Test
    void vectors_of_another_dimension_are_rejected() {
        int[] y = new int[20];
        PairNet net = PairNet.train(pairs(20, y, 4), y, new PairNet.Settings(2, 1, 1e-2, 1e-4, 8, 1));
        PairNet.Pair wrong = new PairNet.Pair(new float[3], new float[3], new double[PairFeatures.NAMES.size()]);
        assertThatThrownBy(() -> net.score(wrong)).isInstanceOf(IllegalArgumentException.class);
    }
}
