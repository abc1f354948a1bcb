package dev.tokenwise.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.pricing.PriceCatalog;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingEvaluationTest {
    @Test
    void held_out_evaluation_of_the_fixture_beats_random_and_reports_every_metric() {
        List<LabelledPrompt> data = RoutersTest.fixture(600, 3);
        double[][] costs = RoutingCosts.of(data, RoutingData.DEFAULT_WEAK, RoutingData.DEFAULT_STRONG, PriceCatalog.bundled(), 50);
        RoutingEvaluation e = new RoutingEvaluation(data, costs, false, new Calibrator(0.95, 50), null);
        ObjectNode r = e.heldOut(Scorer.learned(1.0), new RoutingEvaluation.Options(0, 1, 3, 1, 0.95));
        for (String k : List.of("n", "weak_accuracy", "strong_accuracy", "apgr", "cpt50", "cpt80", "strong_share_at_95",
                "cost_saving_at_95", "oracle", "calibrated", "curve")) {
            assertThat(r.has(k)).as(k).isTrue();
        }
        assertThat(r.get("n").asInt()).isEqualTo(600);
        assertThat(r.get("apgr").asDouble()).isGreaterThan(0.7);
        assertThat(r.get("cpt50").asDouble()).isLessThan(0.4);
        assertThat(r.get("oracle").get("cpt50").asDouble()).isLessThanOrEqualTo(r.get("cpt50").asDouble());
        assertThat(r.get("calibrated").get("quality_ratio").asDouble()).isGreaterThanOrEqualTo(0.93);
        assertThat(r.get("curve")).hasSize(RoutingEvaluation.CURVE_STEPS + 1);
    }

    @Test
    void gsm8k_cascade_cross_validated_saves_at_least_half_the_cost_at_95_percent_quality() {
        List<LabelledPrompt> data = RoutingData.load(SharedData.routing("gsm8k"), RoutingData.DEFAULT_WEAK, RoutingData.DEFAULT_STRONG);
        double[][] costs = RoutingCosts.of(data, RoutingData.DEFAULT_WEAK, RoutingData.DEFAULT_STRONG, PriceCatalog.bundled(), 0);
        RoutingEvaluation e = new RoutingEvaluation(data, costs, true, new Calibrator(0.95, 100), null);
        ObjectNode r = e.heldOut(Scorer.cascade(RouterTraining.LAMBDA), new RoutingEvaluation.Options(0, 1, 5, 1, 0.95));
        assertThat(r.get("weak_accuracy").asDouble()).isBetween(0.6, 0.7);
        assertThat(r.get("cost_saving_at_95").asDouble()).isGreaterThanOrEqualTo(0.5);
    }
}
