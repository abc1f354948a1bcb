package dev.tokenwise.audit.report;

import dev.tokenwise.audit.find.ModelTiers;
import dev.tokenwise.audit.simulate.Plan;
import dev.tokenwise.audit.simulate.Simulation;
import dev.tokenwise.audit.simulate.Strategy;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code tokenwise.yaml} an audit recommends, the configuration the replay ran: {@code models}
 * (each with its tier), {@code pricing}, {@code cache} (exact cache, semantic cache on the routes
 * with near-duplicates), {@code routing} (rules router to the small model), {@code context}
 * (trim budget, output caps, prompt caching per feature); batching is a comment, because it
 * needs the client to use the batch job API. The header lists the replayed saving per strategy.
 */
public final class RecommendedConfig {
    private RecommendedConfig() {}

    public static String yaml(Plan plan, List<String> loggedModels, Simulation.Result sim, String priceSheet) {
        StringBuilder y = new StringBuilder();
        y.append("# tokenwise.yaml recommended by `tokenwise audit`.\n");
        y.append(String.format(Locale.ROOT, "# Replayed bill: $%.2f -> $%.2f per month (%.1f%% saved), strategies applied in this order:%n",
                sim.baselinePerMonthUsd(), sim.afterPerMonthUsd(), sim.savingPct()));
        for (Simulation.Step st : sim.waterfall()) {
            y.append(String.format(Locale.ROOT, "#   %-14s saves $%.2f/month (%.1f%% of the saving)%n", st.strategy(),
                    st.savedPerMonthUsd(), 100 * st.shareOfSaving()));
        }
        y.append("server:\n  host: 127.0.0.1\n  port: 8080\n");
        y.append("models:\n");
        Set<String> models = new LinkedHashSet<>(loggedModels);
        if (plan.on(Strategy.ROUTING)) for (String m : loggedModels) models.add(ModelTiers.smallFor(m));
        for (String m : models) {
            if (m.equals("unknown")) continue;
            String lower = m.toLowerCase(Locale.ROOT);
            y.append("  ").append(quote(m)).append(":\n");
            if (lower.startsWith("claude")) {
                y.append("    provider: anthropic\n    base_url: https://api.anthropic.com/v1\n    api_key_env: ANTHROPIC_API_KEY\n");
            } else if (lower.startsWith("llama") || lower.startsWith("mistral") || lower.startsWith("mixtral")) {
                y.append("    provider: openai   # self-hosted OpenAI-compatible server (vLLM); change the URL\n");
                y.append("    base_url: http://127.0.0.1:8000/v1\n");
            } else {
                y.append("    provider: openai\n    base_url: https://api.openai.com/v1\n    api_key_env: OPENAI_API_KEY\n");
            }
            String tier = ModelTiers.tier(m);
            if (!tier.equals("unknown")) y.append("    tier: ").append(tier).append('\n');
        }
        y.append("# the prices the audit billed with\n");
        y.append("pricing:\n  sheet: ").append(priceSheet).append('\n');
        cache(y, plan);
        if (plan.on(Strategy.ROUTING)) {
            y.append("# the playbook's task table: FAQ, extraction and classification to the small tier (rules router);\n");
            y.append("# check it with the rating sample (audit --sample) and `tokenwise router train` before trusting it\n");
            y.append("routing:\n  enabled: true\n  router: rules\n");
            if (plan.smallModel() != null) y.append("  tiers: {small: ").append(quote(plan.smallModel())).append("}\n");
            List<String> pinned = models.stream().filter(m -> !m.equals("unknown") && ModelTiers.tier(m).equals("unknown")).sorted().toList();
            if (!pinned.isEmpty()) {
                y.append("  pinned_models: [").append(String.join(", ", pinned.stream().map(RecommendedConfig::quote).toList()))
                        .append("]   # tier unknown: never routed\n");
            }
        }
        context(y, plan);
        if (plan.on(Strategy.BATCH)) {
            y.append("# batch: submit features ").append(plan.batchFeatures().stream().sorted().toList())
                    .append(" through the batch job API (POST /v1/tokenwise/batches, half price)\n");
        }
        return y.toString();
    }

    private static void cache(StringBuilder y, Plan plan) {
        boolean exact = plan.on(Strategy.CACHE_EXACT);
        boolean semantic = plan.on(Strategy.CACHE_SEMANTIC) && !plan.semanticFeatures().isEmpty();
        if (!exact && !semantic) return;
        y.append("cache:\n  exact: ").append(exact).append('\n');
        y.append("  ttl_seconds: ").append(plan.cacheTtlSeconds()).append('\n');
        if (semantic) {
            y.append("  routes:   # semantic cache where the log has near-duplicate questions\n");
            for (String f : sorted(plan.semanticFeatures())) y.append("    ").append(quote(f)).append(": {semantic: true}\n");
        }
    }

    /** The context section: one route per feature with trimming, output caps or prompt caching. */
    private static void context(StringBuilder y, Plan plan) {
        Set<String> features = new java.util.TreeSet<>();
        if (plan.on(Strategy.TRIM)) features.addAll(plan.trims().keySet());
        if (plan.on(Strategy.OUTPUT_CAP)) features.addAll(plan.outputCaps().keySet());
        if (plan.on(Strategy.PROMPT_CACHE)) features.addAll(plan.promptCacheFeatures());
        if (features.isEmpty()) return;
        y.append("context:\n  routes:\n");
        for (String f : features) {
            y.append("    - feature: ").append(quote(f)).append('\n');
            if (plan.on(Strategy.TRIM) && plan.trims().containsKey(f)) {
                Plan.TrimShape t = plan.trims().get(f);
                y.append("      trim: {budget_tokens: ").append(plan.trimBudget()).append(", keep_last_turns: ").append(t.keepLastTurns())
                        .append(", pin: {first_user_turns: ").append(t.pinFirstUserTurns()).append("}}\n");
            }
            if (plan.on(Strategy.OUTPUT_CAP) && plan.outputCaps().containsKey(f)) {
                y.append("      output: {max_tokens: ").append(plan.outputCaps().get(f)).append("}\n");
            }
            if (plan.on(Strategy.PROMPT_CACHE) && plan.promptCacheFeatures().contains(f)) {
                y.append("      prompt_cache: {enabled: true}\n");
            }
        }
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9._-]+") ? s : "\"" + s.replace("\"", "\\\"") + "\"";
    }
}
