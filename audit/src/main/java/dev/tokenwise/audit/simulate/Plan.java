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
 */
public record Plan(Set<Strategy> strategies, Map<String, Long> outputCaps, Set<String> batchFeatures, long trimBudget) {
    public Plan {
        strategies = strategies.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(strategies));
        outputCaps = Map.copyOf(outputCaps);
        batchFeatures = Set.copyOf(batchFeatures);
    }

    public Plan only(Set<Strategy> on) {
        return new Plan(on, outputCaps, batchFeatures, trimBudget);
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
        try (Statement st = db.connection().createStatement()) {
            try (ResultSet rs = st.executeQuery("WITH c AS (SELECT feature, greatest(" + Findings.CAP_FLOOR
                    + ", 2 * CAST(median(output) AS BIGINT)) cap FROM requests GROUP BY feature) "
                    + "SELECT c.feature, c.cap FROM c JOIN requests r USING (feature) "
                    + "WHERE r.max_tokens IS NULL AND r.output > c.cap GROUP BY c.feature, c.cap ORDER BY c.feature")) {
                while (rs.next()) caps.put(rs.getString(1), rs.getLong(2));
            }
            try (ResultSet rs = st.executeQuery(Findings.batchFeaturesSql())) {
                while (rs.next()) batch.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("deriving the plan failed: " + e.getMessage(), e);
        }
        return new Plan(on, caps, batch, Findings.TRIM_BUDGET);
    }
}
