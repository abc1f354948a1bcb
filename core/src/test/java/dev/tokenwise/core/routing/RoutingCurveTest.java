package dev.tokenwise.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RoutingCurveTest {
    // four prompts: 0 both right, 1 only strong right, 2 only strong right, 3 both wrong
    private final boolean[] weak = {true, false, false, false};
    private final boolean[] strong = {true, true, true, false};
    private final double[] weakCost = {1, 1, 1, 1};
    private final double[] strongCost = {10, 10, 10, 10};

    @Test
    void a_perfect_router_reaches_strong_accuracy_with_only_the_prompts_that_need_it() {
        double[] score = {0.1, 0.9, 0.8, 0.2};
        RoutingCurve c = RoutingCurve.of(score, weak, strong, weakCost, strongCost, false);
        assertThat(c.weakAccuracy()).isEqualTo(0.25);
        assertThat(c.strongAccuracy()).isEqualTo(0.75);
        assertThat(c.cpt(0.5)).isCloseTo(0.25, within(1e-9));
        assertThat(c.cpt(1.0)).isCloseTo(0.5, within(1e-9));
        // area: 0→.25 from .25 to .5, .25→.5 to .75, then flat .75: (.09375+.15625+.375)=.625
        assertThat(c.apgr()).isCloseTo((0.625 - 0.25) / 0.5, within(1e-9));
        // 95% of strong accuracy (0.7125) is first reached at share 0.25 + 0.25*(0.2125/0.25)
        assertThat(c.strongShareAt(0.95)).isCloseTo(0.4625, within(1e-9));
        double cost = 4 + 0.4625 * 4 * 9;
        assertThat(c.costSavingAt(0.95)).isCloseTo(1 - cost / 40, within(1e-9));
    }

    @Test
    void tied_scores_are_one_step_so_a_constant_router_is_the_random_line() {
        double[] score = {0.5, 0.5, 0.5, 0.5};
        RoutingCurve c = RoutingCurve.of(score, weak, strong, weakCost, strongCost, false);
        assertThat(c.points()).hasSize(2);
        assertThat(c.cpt(0.5)).isCloseTo(0.5, within(1e-9));
        assertThat(c.apgr()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void a_cascade_pays_the_weak_call_on_every_prompt_and_the_strong_call_on_escalations() {
        double[] score = {0.1, 0.9, 0.8, 0.2};
        RoutingCurve router = RoutingCurve.of(score, weak, strong, weakCost, strongCost, false);
        RoutingCurve cascade = RoutingCurve.of(score, weak, strong, weakCost, strongCost, true);
        assertThat(router.costAt(0.5)).isEqualTo(2 * 1 + 2 * 10);
        assertThat(cascade.costAt(0.5)).isEqualTo(4 * 1 + 2 * 10);
        assertThat(cascade.costAt(1.0)).isEqualTo(44);
    }
}
