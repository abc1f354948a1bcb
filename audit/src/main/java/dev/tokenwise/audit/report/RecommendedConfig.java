package dev.tokenwise.audit.report;

import dev.tokenwise.audit.find.Findings;
import dev.tokenwise.audit.find.ModelTiers;
import dev.tokenwise.audit.simulate.Plan;
import dev.tokenwise.audit.simulate.Simulation;
import dev.tokenwise.audit.simulate.Strategy;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code tokenwise.yaml} an audit recommends. It holds only keys the gateway's config loader
 * accepts today ({@code server}; {@code models}, each with its tier so routing can pick among
 * them; {@code pricing}; {@code routing} when routing saves money); the other recommended
 * strategies and their parameters are written as comments, with the saving the replay measured.
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
        if (plan.on(Strategy.ROUTING)) {
            y.append("# the playbook's task table: FAQ, extraction and classification to the small tier (rules router);\n");
            y.append("# check it with the rating sample (audit --sample) and `tokenwise router train` before trusting it\n");
            y.append("routing:\n  enabled: true\n  router: rules\n");
        }
        y.append("# Further recommended strategies (switch them on in their sections as this gateway version supports them):\n");
        if (plan.on(Strategy.CACHE_EXACT)) y.append("# cache: exact cache on (identical requests answered from cache)\n");
        if (plan.on(Strategy.CACHE_SEMANTIC)) y.append("# cache: semantic cache on for single-turn prompts (near-duplicate FAQs)\n");
        if (plan.on(Strategy.TRIM)) y.append("# context: trim histories to " + plan.trimBudget() + " input tokens\n");
        if (plan.on(Strategy.PROMPT_CACHE)) y.append("# context: provider prompt caching for system prompts >= " + Findings.PROMPT_CACHE_MIN + " tokens\n");
        if (plan.on(Strategy.OUTPUT_CAP)) {
            y.append("# output caps (max_tokens when the client sets none), per feature:\n");
            for (Map.Entry<String, Long> e : plan.outputCaps().entrySet()) {
                y.append("#   ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
            }
        }
        if (plan.on(Strategy.BATCH)) y.append("# batch: send features " + plan.batchFeatures().stream().sorted().toList() + " through batch APIs\n");
        return y.toString();
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9._-]+") ? s : "\"" + s.replace("\"", "\\\"") + "\"";
    }
}
