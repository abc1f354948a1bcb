package dev.tokenwise.audit.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tokenwise.audit.find.AuditDb;
import dev.tokenwise.audit.find.Finding;
import dev.tokenwise.audit.find.Findings;
import dev.tokenwise.audit.find.Fixture;
import dev.tokenwise.audit.find.Pricer;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SimulationTest {
    record Run(List<Finding> findings, Plan plan, Simulation.Result result, Simulation sim) {}

    static Run run() {
        try (AuditDb db = AuditDb.create(new Pricer(Fixture.PRICES))) {
            db.load(Fixture.standard().rows().stream(), n -> {});
            db.clusterNearDuplicates();
            List<Finding> findings = new Findings(db, 1).all();
            Plan plan = Plan.recommend(db, findings);
            Simulation sim = Simulation.of(db);
            return new Run(findings, plan, sim.run(plan, 1, i -> {}), sim);
        }
    }

    @Test
    void the_plan_switches_on_every_strategy_with_a_saving_and_derives_its_parameters() {
        Plan plan = run().plan();
        assertThat(plan.strategies()).containsExactlyInAnyOrder(Strategy.values());
        assertThat(plan.outputCaps()).containsExactly(Map.entry("drafts", 1880L));
        assertThat(plan.batchFeatures()).containsExactly("nightly-etl");
        assertThat(plan.trims()).containsExactly(Map.entry("chat", new Plan.TrimShape(1, 0)));
        assertThat(plan.semanticFeatures()).containsExactly("support");
        assertThat(plan.promptCacheFeatures()).containsExactly("chat");
        assertThat(plan.smallModel()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void each_request_saving_is_counted_once_in_pipeline_order() {
        Simulation.Result r = run().result();
        Map<String, Double> share = r.waterfall().stream().collect(Collectors.toMap(Simulation.Step::strategy, Simulation.Step::savedUsd));
        double faqOnSmall = (50 * 10e-6 + 20 * 20e-6) - (50 * 1e-6 + 20 * 2e-6);
        double extractionOnSmall = (200 * 10e-6 + 20 * 20e-6) - (200 * 1e-6 + 20 * 2e-6);
        assertThat(share.get("cache-exact")).isCloseTo(2 * (1000 * 10e-6 + 100 * 20e-6), within(1e-12));
        assertThat(share.get("cache-semantic")).isCloseTo(50 * 10e-6 + 20 * 20e-6, within(1e-12));
        // the FAQ paraphrase answered by the semantic cache is not routed again
        assertThat(share.get("routing")).isCloseTo(2 * faqOnSmall + 2 * extractionOnSmall, within(1e-12));
        // trim plans over the logged shape: system prompt 1,500 + 19 messages sharing 8,497 tokens (447 or 448 each);
        // only the last turn fits the 2,000 budget next to the system prompt and the 200-token summary (no pin), so
        // 3 (reply priming) + 1,500 + 447 are kept and 200 summary tokens added
        long removed = 10_000 - (3 + 1500 + 447) - 200;
        assertThat(share.get("trim")).isCloseTo(2 * removed * 10e-6, within(1e-12));
        assertThat(share.get("prompt-cache")).isCloseTo(1500 * 5e-6, within(1e-12));
        // the gateway's output cap (the drafts' 97th percentile, 1,880) lowers the legal letter's client cap of 2,000
        assertThat(share.get("output-cap")).isCloseTo((2000 - 1880) * 20e-6, within(1e-12));
        // batch halves what the extractions cost after routing, not their original price
        assertThat(share.get("batch")).isCloseTo(0.5 * 2 * (200 * 1e-6 + 20 * 2e-6), within(1e-12));
    }

    @Test
    void strategy_shares_add_up_to_the_combined_replay_and_less_than_the_standalone_sum() {
        Run run = run();
        Simulation.Result r = run.result();
        double sumOfShares = r.waterfall().stream().mapToDouble(Simulation.Step::savedUsd).sum();
        assertThat(sumOfShares).isCloseTo(r.savedUsd(), within(1e-12));
        assertThat(r.savedUsd()).isCloseTo(r.baselineUsd() - r.afterUsd(), within(1e-12));
        Simulation.Bill combined = run.sim().replay(run.plan());
        assertThat(combined.after()).isCloseTo(r.afterUsd(), within(1e-12));
        double standalone = run.findings().stream().mapToDouble(Finding::savingUsd).sum();
        assertThat(r.savedUsd()).as("overlapping fixes are not double counted").isLessThan(standalone);
        assertThat(r.waterfall().stream().mapToDouble(Simulation.Step::shareOfSaving).sum()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void the_shared_pass_bills_every_prefix_exactly_as_its_own_replay() {
        Run run = run();
        Plan p = run.plan();
        assertTappedEqualsOwn(run.sim(), p);
        // a semantic cache switched on without routes: the taps keep counting it as a prefix
        assertTappedEqualsOwn(run.sim(), new Plan(p.strategies(), p.outputCaps(), p.batchFeatures(), p.trimBudget(), Set.of(),
                p.cacheTtlSeconds(), p.smallModel(), p.trims(), p.promptCacheFeatures()));
    }

    static void assertTappedEqualsOwn(Simulation sim, Plan plan) {
        List<Strategy> on = java.util.Arrays.stream(Strategy.values()).filter(plan::on).toList();
        List<Simulation.Bill> shared = sim.replayAll(plan);
        int from = (int) on.stream().filter(Strategy::caches).count();
        assertThat(shared).hasSize(on.size() - from + 1);
        for (int k = from; k <= on.size(); k++) {
            Simulation.Bill own = sim.replay(plan.only(EnumSet.copyOf(on.subList(0, k))));
            Simulation.Bill tapped = shared.get(k - from);
            assertThat(tapped.after()).as("prefix of %d strategies", k).isCloseTo(own.after(), within(1e-12));
            assertThat(tapped.applied()).as("prefix of %d strategies", k).isEqualTo(own.applied());
        }
    }

    @Test
    void progress_hears_every_pass_once() {
        Run run = run();
        java.util.List<Integer> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        run.sim().run(run.plan(), 1, heard::add);
        // the tapped pass, the exact-cache-only pass and the pass without strategies
        assertThat(Simulation.passes(run.plan())).isEqualTo(3);
        assertThat(heard).containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void a_replay_without_strategies_bills_exactly_the_log() {
        Run run = run();
        Simulation.Bill none = run.sim().replay(run.plan().only(Set.of()));
        assertThat(none.after()).isCloseTo(none.baseline(), within(1e-12));
        assertThat(none.applied()).isEmpty();
        Simulation.Bill cacheOnly = run.sim().replay(run.plan().only(EnumSet.of(Strategy.CACHE_EXACT)));
        assertThat(cacheOnly.applied()).containsExactly(Map.entry("cache-exact", 2L));
    }
}
