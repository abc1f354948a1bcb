package dev.tokenwise.audit.simulate;

import dev.tokenwise.audit.find.AuditDb;
import dev.tokenwise.audit.find.Finding;
import dev.tokenwise.audit.find.Findings;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The recommended configuration: which strategies to switch on (those whose finding saves
 * money) and their parameters, derived from the log.
 *
 * @param strategies the strategies switched on
 * @param outputCaps max_tokens per feature, for features with output waste
 * @param batchFeatures features to send through batch APIs
 * @param trimBudget input tokens a trimmed context keeps
 * @param semanticFeatures features (cache routes) where the semantic cache is switched on: those with near-duplicates
 * @param cacheTtlSeconds how long cached answers live
 * @param smallModel the model the router sends small-tier tasks to (null when nothing is routed)
 * @param trims features with bloated contexts (trimmed) and how each is trimmed
 * @param promptCacheFeatures features resending long system prompts (provider prompt caching)
 */
public record Plan(Set<Strategy> strategies, Map<String, Long> outputCaps, Set<String> batchFeatures, long trimBudget,
                   Set<String> semanticFeatures, int cacheTtlSeconds, String smallModel, Map<String, TrimShape> trims,
                   Set<String> promptCacheFeatures) {
    /**
     * Cached answers live a week: static FAQs and catalog summaries recur over days. Shorten it
     * (per cache route) for features whose answers change sooner.
     */
    public static final int CACHE_TTL_SECONDS = 7 * 86_400;
    /** The trim summary's token budget (the gateway's default {@code summary_max_tokens}). */
    static final int SUMMARY_TOKENS = 200;

    public Plan {
        strategies = strategies.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(strategies));
        outputCaps = Map.copyOf(outputCaps);
        batchFeatures = Set.copyOf(batchFeatures);
        semanticFeatures = Set.copyOf(semanticFeatures);
        trims = Map.copyOf(trims);
        promptCacheFeatures = Set.copyOf(promptCacheFeatures);
    }

    /**
     * How a feature's histories are trimmed: the last turns kept and the first user turns pinned
     * (never trimmed), as many as fit the trim budget next to the feature's median system prompt
     * and the summary: 1 to 3 last turns, and the first user turn pinned only if it fits as well.
     */
    public record TrimShape(int keepLastTurns, int pinFirstUserTurns) {
        static TrimShape fitting(double systemTokens, double messageTokens) {
            double room = Findings.TRIM_BUDGET - SUMMARY_TOKENS - systemTokens;
            double turn = Math.max(1, 2 * messageTokens);
            int turns = Math.clamp((int) Math.floor(room / turn), 1, 3);
            return new TrimShape(turns, room - turns * turn >= messageTokens ? 1 : 0);
        }
    }

    public Plan only(Set<Strategy> on) {
        return new Plan(on, outputCaps, batchFeatures, trimBudget, semanticFeatures, cacheTtlSeconds, smallModel, trims,
                promptCacheFeatures);
    }

    public boolean on(Strategy s) { return strategies.contains(s); }

    /** Switches on every strategy whose finding saves money, with parameters read from the store. */
    public static Plan recommend(AuditDb db, List<Finding> findings) {
        Set<Strategy> on = EnumSet.noneOf(Strategy.class);
        for (Strategy s : Strategy.values()) {
            for (Finding f : findings) {
                if (f.id().equals(s.finding()) && f.applicable() && f.savingUsd() > 0) on.add(s);
            }
        }
        Map<String, Long> caps = new LinkedHashMap<>();
        Set<String> batch = new LinkedHashSet<>();
        Set<String> semantic = new LinkedHashSet<>();
        Map<String, TrimShape> trim = new LinkedHashMap<>();
        Set<String> promptCache = new LinkedHashSet<>();
        String small = null;
        try (Statement st = db.connection().createStatement()) {
            try (ResultSet rs = st.executeQuery("WITH c AS (" + Findings.CAPS_SQL + ") "
                    + "SELECT c.feature, c.cap FROM c JOIN requests r USING (feature) "
                    + "WHERE (r.max_tokens IS NULL OR r.max_tokens > c.cap) AND r.output > c.cap GROUP BY c.feature, c.cap ORDER BY c.feature")) {
                while (rs.next()) caps.put(rs.getString(1), rs.getLong(2));
            }
            try (ResultSet rs = st.executeQuery(Findings.batchFeaturesSql())) {
                while (rs.next()) batch.add(rs.getString(1));
            }
            features(st, Findings.nearDuplicateFeaturesSql(), semantic);
            // a turn is two messages; the summary takes the gateway's default of 200 tokens
            try (ResultSet rs = st.executeQuery("SELECT feature, median(system_tokens), "
                    + "median((input - system_tokens) / greatest(msg_count - CASE WHEN system_hash IS NULL THEN 0 ELSE 1 END, 1)) "
                    + "FROM requests WHERE feature IN (SELECT feature FROM requests WHERE " + Findings.BLOAT_SQL + ") "
                    + "AND " + Findings.BLOAT_SQL + " GROUP BY feature ORDER BY feature")) {
                while (rs.next()) trim.put(rs.getString(1), TrimShape.fitting(rs.getDouble(2), rs.getDouble(3)));
            }
            features(st, "SELECT DISTINCT feature FROM requests WHERE " + Findings.PROMPT_CACHE_SQL + " ORDER BY 1", promptCache);
            // one small model for the router: the small sibling of the model with the highest routable spend
            try (ResultSet rs = st.executeQuery("SELECT small_model FROM requests WHERE tier = 'large' AND task IN "
                    + Findings.SMALL_TASKS_SQL + " GROUP BY small_model ORDER BY sum(cost) DESC, small_model LIMIT 1")) {
                if (rs.next()) small = rs.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("deriving the plan failed: " + e.getMessage(), e);
        }
        return new Plan(on, caps, batch, Findings.TRIM_BUDGET, semantic, CACHE_TTL_SECONDS, small, trim, promptCache);
    }

    private static void features(Statement st, String sql, Set<String> into) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) into.add(rs.getString(1));
        }
    }
}
