package dev.tokenwise.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tokenwise.audit.find.Finding;
import dev.tokenwise.audit.generate.SeedLog;
import dev.tokenwise.audit.read.Shared;
import dev.tokenwise.audit.simulate.Simulation;
import dev.tokenwise.gateway.config.ConfigLoader;
import dev.tokenwise.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditEndToEndTest {
    @TempDir
    static Path dir;
    static AuditReport seed;

    @BeforeAll
    static void auditTheSeedScenario() {
        Path log = dir.resolve("seed.jsonl");
        SeedLog.write(10_000, log, 7);
        try (Audit a = Audit.load(List.of(log), new AuditOptions(null, "seed-2025", null), Progress.NONE)) {
            seed = a.report();
        }
    }

    @Test
    void the_seed_scenario_saves_what_the_playbook_promises() {
        Simulation.Result s = seed.simulation();
        assertThat(seed.requests()).isEqualTo(10_000);
        assertThat(seed.spanDays()).isCloseTo(7, within(0.1));
        assertThat(s.savingPct()).isBetween(70.0, 95.0);
        assertThat(s.strategies()).contains("cache-exact", "routing", "trim", "output-cap", "batch");
        assertThat(s.waterfall().stream().mapToDouble(Simulation.Step::savedUsd).sum()).isCloseTo(s.savedUsd(), within(1e-9));
        assertThat(s.savedPerMonthUsd()).isCloseTo(s.savedUsd() * seed.monthFactor(), within(1e-9));
        Map<String, Finding> f = seed.findings().stream().collect(Collectors.toMap(Finding::id, Function.identity()));
        assertThat(f.get("exact_repeats").examples()).extracting(Finding.Example::feature).isSubsetOf("support-faq", "product-summary");
        // 200 products summarised again and again: all but the first summary of each are repeats
        assertThat(f.get("exact_repeats").requests()).isGreaterThan(10_000 * 20 / 100 - 200 + 10_000 * 25 / 100 - 40 - 500);
        assertThat(f.get("batchable").examples()).extracting(Finding.Example::feature).containsOnly("nightly-catalog-enrichment");
        assertThat(f.get("context_bloat").examples().get(0).feature()).isEqualTo("support-chat");
    }

    @Test
    void the_recommended_config_is_accepted_by_the_gateway_config_loader() {
        ConfigLoader loader = new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-test", "ANTHROPIC_API_KEY", "sk-ant")::get);
        GatewayConfig c = loader.validate(loader.parse(seed.recommendedConfig()));
        assertThat(c.models()).containsKeys("gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "claude-3-haiku");
        assertThat(c.models().get("gpt-4o-mini").tier()).isEqualTo("small");
        assertThat(c.routing().enabled()).isTrue();
        assertThat(c.routing().tiers()).containsEntry("small", "gpt-4o-mini");
        assertThat(c.cache().exact()).isTrue();
        assertThat(c.cache().ttlSeconds()).isEqualTo(7 * 86_400);
        assertThat(c.context().route("support-chat", "gpt-4o").trim().budgetTokens()).isEqualTo(2000);
        assertThat(c.context().route("email-draft", "claude-3-5-sonnet").output().maxTokens()).isPositive();
        assertThat(c.pricing().sheet()).isEqualTo("seed-2025");
        assertThat(seed.recommendedConfig()).contains("feature: email-draft");
    }

    @Test
    void the_azure_conversation_trace_is_audited_as_a_token_only_log() {
        Path azure = Shared.dir().resolve("data/traces/azure_llm_2023_conv.csv");
        try (Audit a = Audit.load(List.of(azure), AuditOptions.defaults(), Progress.NONE)) {
            AuditReport r = a.report();
            assertThat(r.textAvailable()).isFalse();
            assertThat(r.sources().get(0).format()).isEqualTo("token-csv");
            assertThat(r.findings().stream().filter(Finding::applicable).map(Finding::id)).containsExactlyInAnyOrder("context_bloat", "output_waste");
            assertThat(r.simulation().savedUsd()).isGreaterThanOrEqualTo(0);
            assertThat(r.costUsd()).isGreaterThan(0);
        }
    }
}
