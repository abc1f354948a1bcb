package dev.tokenwise.audit.find;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tokenwise.audit.read.LogRecord;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FindingsTest {
    static Map<String, Finding> findings(List<LogRecord> rows, double monthFactor) {
        try (AuditDb db = AuditDb.create(new Pricer(Fixture.PRICES))) {
            db.load(rows.stream(), n -> {});
            db.clusterNearDuplicates();
            return new Findings(db, monthFactor).all().stream().collect(Collectors.toMap(Finding::id, Function.identity()));
        }
    }

    @Test
    void each_finding_has_its_known_answer_on_the_standard_fixture() {
        Map<String, Finding> f = findings(Fixture.standard().rows(), 1);
        Finding exact = f.get("exact_repeats");
        assertThat(exact.requests()).isEqualTo(2);
        assertThat(exact.savingUsd()).isCloseTo(2 * (1000 * 10e-6 + 100 * 20e-6), within(1e-12));
        assertThat(exact.examples().get(0).requests()).isEqualTo(3);

        Finding near = f.get("near_duplicates");
        assertThat(near.requests()).isEqualTo(1);
        assertThat(near.savingUsd()).isCloseTo(50 * 10e-6 + 20 * 20e-6, within(1e-12));
        assertThat(near.examples().get(0).prompt()).contains("business hours");

        Finding bloat = f.get("context_bloat");
        assertThat(bloat.requests()).isEqualTo(2);
        assertThat(bloat.savingUsd()).isCloseTo(2 * 8000 * 10e-6, within(1e-12));

        Finding sys = f.get("repeated_system_prompts");
        assertThat(sys.requests()).isEqualTo(1);
        assertThat(sys.savingUsd()).isCloseTo(1500 * 5e-6, within(1e-12));

        Finding over = f.get("over_provisioned");
        assertThat(over.requests()).isEqualTo(5); // three FAQ questions and two extractions on gpt-4o
        double faq = (50 * 10e-6 + 20 * 20e-6) - (50 * 1e-6 + 20 * 2e-6);
        double extraction = (200 * 10e-6 + 20 * 20e-6) - (200 * 1e-6 + 20 * 2e-6);
        assertThat(over.savingUsd()).isCloseTo(3 * faq + 2 * extraction, within(1e-12));

        Finding output = f.get("output_waste");
        // drafts answer 100, 100, 100, 1000 and 2000 tokens: the cap is their 97th percentile, 1880 (above 256 and twice
        // the median); only the 2000-token letter, whose client cap of 2000 the gateway lowers to 1880, is cut
        assertThat(output.requests()).isEqualTo(1);
        assertThat(output.savingUsd()).isCloseTo((2000 - 1880) * 20e-6, within(1e-12));

        Finding batch = f.get("batchable");
        assertThat(batch.requests()).isEqualTo(2);
        assertThat(batch.savingUsd()).isCloseTo(0.5 * 2 * (200 * 10e-6 + 20 * 20e-6), within(1e-12));
        assertThat(batch.examples()).extracting(Finding.Example::feature).containsExactly("nightly-etl");
    }

    @Test
    void money_per_month_scales_with_the_month_factor() {
        Map<String, Finding> f = findings(Fixture.standard().rows(), 10);
        assertThat(f.get("exact_repeats").savingPerMonthUsd()).isCloseTo(10 * f.get("exact_repeats").savingUsd(), within(1e-12));
        assertThat(f.get("exact_repeats").costPerMonthUsd()).isCloseTo(10 * f.get("exact_repeats").costUsd(), within(1e-12));
    }

    @Test
    void a_token_only_log_reports_text_findings_as_not_applicable() {
        Fixture fx = new Fixture();
        fx.add("gpt-4o", null, null, null, 0, 9000, 100, -1, false, 0);
        fx.add("gpt-4o", null, null, null, 0, 500, 100, -1, false, 0);
        fx.add("gpt-4o", null, null, null, 0, 500, 100, -1, false, 0);
        fx.add("gpt-4o", null, null, null, 0, 500, 900, -1, false, 0);
        Map<String, Finding> f = findings(fx.rows(), 1);
        for (String id : List.of("exact_repeats", "near_duplicates", "repeated_system_prompts", "over_provisioned")) {
            assertThat(f.get(id).applicable()).as(id).isFalse();
            assertThat(f.get(id).note()).contains("token counts only");
        }
        assertThat(f.get("batchable").applicable()).isFalse();
        assertThat(f.get("batchable").note()).contains("feature tags");
        assertThat(f.get("context_bloat").applicable()).isTrue();
        assertThat(f.get("context_bloat").requests()).isEqualTo(1);
        assertThat(f.get("output_waste").requests()).isEqualTo(1);
        // outputs 100, 100, 100, 900: the cap is the 97th percentile, 100 + 0.91 * 800 = 828
        assertThat(f.get("output_waste").savingUsd()).isCloseTo((900 - 828) * 20e-6, within(1e-12));
    }

    @Test
    void templated_prompts_with_different_numbers_are_never_near_duplicates() {
        Fixture fx = new Fixture();
        fx.add("gpt-4o", "support", null, "What is the status of order 1234?", 1, 50, 20, -1, false, 0);
        fx.add("gpt-4o", "support", null, "What is the status of order 5678?", 1, 50, 20, -1, false, 0);
        assertThat(findings(fx.rows(), 1).get("near_duplicates").requests()).isZero();
    }

    @Test
    void the_task_classifier_follows_the_seed_task_table() {
        TaskClassifier c = new TaskClassifier();
        assertThat(c.classify("What are your business hours?", null, 1)).isEqualTo(TaskType.FAQ);
        assertThat(c.classify("Extract the invoice number as JSON", null, 1)).isEqualTo(TaskType.EXTRACTION);
        assertThat(c.classify("Classify this ticket: my card was charged twice", null, 1)).isEqualTo(TaskType.CLASSIFICATION);
        assertThat(c.classify("Summarize this product description: ...", null, 1)).isEqualTo(TaskType.SUMMARIZATION);
        assertThat(c.classify("Draft a reply to this email", null, 1)).isEqualTo(TaskType.DRAFTING);
        assertThat(c.classify("Prove that sqrt 2 is irrational, step by step", null, 1)).isEqualTo(TaskType.REASONING);
        assertThat(c.classify(null, null, 0)).isEqualTo(TaskType.UNKNOWN);
        assertThat(TaskType.FAQ.recommendedTier()).isEqualTo("small");
        assertThat(ModelTiers.tier("gpt-4o")).isEqualTo("large");
        assertThat(ModelTiers.tier("gpt-4o-mini")).isEqualTo("small");
        assertThat(ModelTiers.smallFor("claude-3-5-sonnet")).isEqualTo("claude-3-haiku");
    }
}
