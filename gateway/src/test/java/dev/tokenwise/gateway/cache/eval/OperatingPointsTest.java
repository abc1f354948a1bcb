package dev.tokenwise.gateway.cache.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import org.junit.jupiter.api.Test;

class OperatingPointsTest {
    @Test
    void best_precision_at_the_recall_point_and_best_recall_at_the_precision_point() {
        // 10 positives; scores in descending order: 2 right, 1 wrong, 2 right, then 1 wrong and 1 right tied
        double[] score = {0.99, 0.98, 0.97, 0.90, 0.80, 0.70, 0.70, -1};
        boolean[] correct = {true, true, false, true, true, false, true, false};
        ObjectNode out = Json.object();
        CacheEvaluation.operatingPoints(out, score, correct, 10);
        // recall >= 0.30 first at 0.90 (3 right of 4 hits), 0.80 gives 4/5 = 0.8, 0.70 gives 5/7
        assertThat(out.get("precision_at_recall_0.30").asDouble()).isEqualTo(0.8);
        assertThat(out.get("precision_at_recall_0.30_threshold").asDouble()).isEqualTo(0.80);
        // precision >= 0.97 only at the top two (2/2): recall 0.2
        assertThat(out.get("recall_at_precision_0.97").asDouble()).isEqualTo(0.2);
        assertThat(out.get("recall_at_precision_0.97_threshold").asDouble()).isEqualTo(0.98);
    }

    @Test
    void no_threshold_reaching_the_points_gives_zero_and_no_threshold() {
        ObjectNode out = Json.object();
        CacheEvaluation.operatingPoints(out, new double[] {0.9, 0.8}, new boolean[] {false, true}, 10);
        assertThat(out.get("precision_at_recall_0.30").asDouble()).isZero();
        assertThat(out.get("precision_at_recall_0.30_threshold").isNull()).isTrue();
        assertThat(out.get("recall_at_precision_0.97").asDouble()).isZero();
        assertThat(out.get("recall_at_precision_0.97_threshold").isNull()).isTrue();
    }
}
