package dev.tokenwise.audit.find;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The six kinds of waste (seven findings: context bloat is split into long contexts and repeated
 * system prompts), each one SQL query over the {@link AuditDb}. Each finding's saving is
 * standalone; the replay ({@code simulate}) gives the combined saving without double counting.
 */
public final class Findings {
    /** Input tokens a trimmed context keeps (system prompt, recent turns, the question). */
    public static final long TRIM_BUDGET = 2000;
    /** Input at least this many times the output, and above the budget, counts as bloated. */
    public static final long BLOAT_RATIO = 10;
    /** Smallest system prompt a provider caches (OpenAI and Anthropic: 1024 tokens). */
    public static final long PROMPT_CACHE_MIN = 1024;
    /** The floor of an output cap: answers shorter than this are never cut. */
    public static final long CAP_FLOOR = 256;
    /**
     * Answers a cap may cut, at most: the gateway's length monitor flags a route whose capped
     * answers stop at max_tokens more often than 5% (its default threshold), so a cap sits at or
     * above the feature's 97th output percentile (about 3% cut, with room below the threshold).
     */
    public static final double CAP_QUANTILE = 0.97;

    /** Output cap per feature: at least the floor, twice the median and the {@link #CAP_QUANTILE} output. */
    public static final String CAPS_SQL = "SELECT feature, greatest(" + CAP_FLOOR + ", 2 * CAST(median(output) AS BIGINT), "
            + "CAST(round(quantile_cont(output, " + CAP_QUANTILE + ")) AS BIGINT)) AS cap FROM requests GROUP BY feature";
    /** Batch APIs (OpenAI, Anthropic) charge half. */
    public static final double BATCH_DISCOUNT = 0.5;
    /** Feature names that mark offline work. */
    public static final String BATCH_NAME_REGEX = "(batch|nightly|offline|cron|etl|backfill|bulk|enrich|digest|report|index)";

    private final Connection c;
    private final double monthFactor;
    private final NearDuplicates.Stats near;

    public Findings(AuditDb db, double monthFactor) {
        this.c = db.connection();
        this.monthFactor = monthFactor;
        this.near = db.nearStats();
    }

    public List<Finding> all() {
        try {
            boolean text = scalarLong("SELECT count(*) FROM requests WHERE has_text") > 0;
            boolean tags = scalarLong("SELECT count(*) FROM requests WHERE feature <> 'untagged'") > 0;
            List<Finding> out = new ArrayList<>();
            out.add(text ? exactRepeats() : na("exact_repeats", "Exact repeats", "cache-exact", "Serve repeats from the exact cache"));
            out.add(text ? nearDuplicates() : na("near_duplicates", "Near-duplicates and static FAQs", "cache-semantic",
                    "Answer paraphrases from the semantic cache / FAQ answers"));
            out.add(contextBloat());
            out.add(text ? repeatedSystemPrompts() : na("repeated_system_prompts", "Repeated system prompts", "prompt-cache",
                    "Enable provider prompt caching for the shared prefix"));
            out.add(text ? overProvisioned() : na("over_provisioned", "Over-provisioned models", "routing",
                    "Route FAQ, extraction and classification to a small model"));
            out.add(outputWaste());
            out.add(tags ? batchable() : Finding.notApplicable("batchable", "Batchable traffic", "batch",
                    "the log has no feature tags to tell offline jobs from interactive traffic", "Send offline jobs through batch APIs"));
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("a findings query failed: " + e.getMessage(), e);
        }
    }

    private static Finding na(String id, String title, String strategy, String action) {
        return Finding.notApplicable(id, title, strategy, "the log carries token counts only (no prompt text)", action);
    }

    private Finding exactRepeats() throws SQLException {
        String base = "SELECT *, row_number() OVER (PARTITION BY model, req_hash ORDER BY ts_ms, idx) AS rn FROM requests WHERE has_text";
        double[] t = totals("WITH r AS (" + base + ") SELECT count(*), sum(input+output), sum(cost), sum(cost) FROM r WHERE rn > 1");
        List<Finding.Example> ex = examples("SELECT model, any_value(feature), any_value(prompt), count(*) n, sum(cost) FILTER (rn > 1) s "
                + "FROM (" + base + ") GROUP BY model, req_hash HAVING count(*) > 1 ORDER BY s DESC LIMIT 5");
        return finding("exact_repeats", "Exact repeats", "cache-exact", t,
                "every repeat of an identical request (same model, same messages) after its first is a cache hit costing nothing",
                "Turn on the exact cache (cache.exact) for these features", ex);
    }

    private Finding nearDuplicates() throws SQLException {
        String base = "SELECT r.*, n.cluster, row_number() OVER (PARTITION BY r.model, r.req_hash ORDER BY ts_ms, idx) AS rn_exact, "
                + "row_number() OVER (PARTITION BY r.model, n.cluster ORDER BY ts_ms, idx) AS rn_cluster "
                + "FROM requests r JOIN near n USING (near_key)";
        double[] t = totals("WITH r AS (" + base + ") SELECT count(*), sum(input+output), sum(cost), sum(cost) FROM r "
                + "WHERE rn_exact = 1 AND rn_cluster > 1");
        long groups = scalarLong("WITH r AS (" + base + ") SELECT count(*) FROM (SELECT model, cluster FROM r GROUP BY model, cluster "
                + "HAVING count(DISTINCT req_hash) > 1)");
        List<Finding.Example> ex = examples("SELECT model, any_value(feature), string_agg(DISTINCT prompt, ' | ') , count(*), "
                + "sum(cost) FILTER (rn_exact = 1 AND rn_cluster > 1) s FROM (" + base + ") GROUP BY model, cluster "
                + "HAVING count(DISTINCT req_hash) > 1 ORDER BY s DESC LIMIT 5");
        return finding("near_duplicates", "Near-duplicates and static FAQs", "cache-semantic", t,
                groups + " groups: first occurrences of a variant or paraphrase of an earlier short single-turn question without numbers "
                        + "on the same model; exact repeats are counted under exact_repeats. Candidates from MinHash LSH over character 3-grams "
                        + "(estimated Jaccard >= " + MinHash.MIN_JACCARD + "): " + near.candidateGroups() + " groups of differently worded prompts, " + near.confirmedGroups()
                        + " confirmed by the semantic cache's embedding model and verifier (" + near.embedded() + " prompts embedded"
                        + (near.unchecked() > 0 ? ", " + near.unchecked() + " groups left unchecked beyond the " + NearDuplicates.EMBED_LIMIT
                        + "-prompt bound" : "") + "); case and punctuation variants need no model",
                "Turn on the semantic cache (or fixed FAQ answers) for these prompts", ex);
    }

    private Finding contextBloat() throws SQLException {
        String where = BLOAT_SQL;
        double[] t = totals("SELECT count(*), sum(input+output), sum(cost), sum((input - " + TRIM_BUDGET + ") * in_price) FROM requests WHERE " + where);
        List<Finding.Example> ex = examples("SELECT model, feature, any_value(prompt), count(*), sum((input - " + TRIM_BUDGET
                + ") * in_price) s FROM requests WHERE " + where + " GROUP BY model, feature ORDER BY s DESC LIMIT 5");
        return finding("context_bloat", "Context bloat (input >> output)", "trim", t,
                "requests with more than " + TRIM_BUDGET + " input tokens and at least " + BLOAT_RATIO
                        + "x more input than output; saving = input beyond a " + TRIM_BUDGET + "-token context budget",
                "Trim histories to a token budget (keep system prompt and recent turns)", ex);
    }

    private Finding repeatedSystemPrompts() throws SQLException {
        String base = "SELECT *, row_number() OVER (PARTITION BY model, system_hash ORDER BY ts_ms, idx) AS rn FROM requests "
                + "WHERE " + PROMPT_CACHE_SQL;
        double[] t = totals("WITH r AS (" + base + ") SELECT count(*), sum(input+output), sum(cost), "
                + "sum(greatest(system_tokens - cached, 0) * (in_price - cached_price)) FROM r WHERE rn > 1");
        List<Finding.Example> ex = examples("SELECT model, any_value(feature), 'system prompt of ' || any_value(system_tokens) || ' tokens', "
                + "count(*), sum(greatest(system_tokens - cached, 0) * (in_price - cached_price)) s FROM (" + base
                + ") WHERE rn > 1 GROUP BY model, system_hash ORDER BY s DESC LIMIT 5");
        return finding("repeated_system_prompts", "Repeated system prompts", "prompt-cache", t,
                "system prompts of at least " + PROMPT_CACHE_MIN + " tokens sent again; saving = the catalog's cached-input discount "
                        + "on them (zero where the price sheet has no cached price)",
                "Put the system prompt first and enable provider prompt caching", ex);
    }

    private Finding overProvisioned() throws SQLException {
        String where = "tier = 'large' AND task IN " + SMALL_TASKS_SQL;
        double[] t = totals("SELECT count(*), sum(input+output), sum(cost), sum(cost - cost_small) FROM requests WHERE " + where);
        List<Finding.Example> ex = examples("SELECT model || ' -> ' || any_value(small_model), task, any_value(prompt), count(*), "
                + "sum(cost - cost_small) s FROM requests WHERE " + where + " GROUP BY model, task ORDER BY s DESC LIMIT 5");
        return finding("over_provisioned", "Over-provisioned models", "routing", t,
                "FAQ, extraction and classification (task type from prompt features, per the seed's task table) on top-tier "
                        + "models; saving = the same tokens on the vendor's small model",
                "Route these task types to the small tier (routing), checked with the rating sample", ex);
    }

    private Finding outputWaste() throws SQLException {
        String caps = CAPS_SQL;
        // the gateway's output cap also lowers a client's max_tokens above the cap
        String where = "(max_tokens IS NULL OR max_tokens > cap) AND output > cap";
        String from = "requests JOIN (" + caps + ") USING (feature)";
        double[] t = totals("SELECT count(*), sum(input+output), sum(cost), sum((output - cap) * out_price) FROM " + from + " WHERE " + where);
        List<Finding.Example> ex = examples("SELECT model, feature, any_value(prompt), count(*), sum((output - cap) * out_price) s FROM "
                + from + " WHERE " + where + " GROUP BY model, feature ORDER BY s DESC LIMIT 5");
        return finding("output_waste", "Output waste (long answers, no max_tokens)", "output-cap", t,
                "answers longer than a cap of twice their feature's median, at least " + CAP_FLOOR
                        + " tokens and the 97th percentile (so about 3% are cut), without a max_tokens at or below it; saving = output beyond the cap",
                "Set output caps per feature (max_tokens)", ex);
    }

    private Finding batchable() throws SQLException {
        String where = "feature IN (" + batchFeaturesSql() + ")";
        double[] t = totals("SELECT count(*), sum(input+output), sum(cost), sum(cost) * " + BATCH_DISCOUNT + " FROM requests WHERE " + where);
        List<Finding.Example> ex = examples("SELECT model, feature, any_value(prompt), count(*), sum(cost) * " + BATCH_DISCOUNT
                + " s FROM requests WHERE " + where + " GROUP BY model, feature ORDER BY s DESC LIMIT 5");
        return finding("batchable", "Batchable traffic (offline jobs)", "batch", t,
                "never-streamed features named like jobs " + BATCH_NAME_REGEX + " or with >= 80% of requests in one 4-hour "
                        + "block of the day; saving = the batch APIs' 50% discount",
                "Send these features through the provider's batch API", ex);
    }

    /** Rows with a bloated context: more than the trim budget and at least {@link #BLOAT_RATIO}x the output. */
    public static final String BLOAT_SQL = "input > " + TRIM_BUDGET + " AND input >= " + BLOAT_RATIO + " * greatest(output, 1)";
    /** Rows whose system prompt is long enough for provider prompt caching. */
    public static final String PROMPT_CACHE_SQL = "system_hash IS NOT NULL AND system_tokens >= " + PROMPT_CACHE_MIN;

    /** The task types the playbook sends to the small tier, as an SQL list. */
    public static final String SMALL_TASKS_SQL = "('faq', 'extraction', 'classification')";

    /** Features with near-duplicate groups (a cluster holding more than one distinct request on one model). */
    public static String nearDuplicateFeaturesSql() {
        return "SELECT DISTINCT r.feature FROM requests r JOIN near n USING (near_key) JOIN (SELECT r2.model, n2.cluster FROM requests r2 "
                + "JOIN near n2 USING (near_key) GROUP BY r2.model, n2.cluster HAVING count(DISTINCT r2.req_hash) > 1) g "
                + "ON g.model = r.model AND g.cluster = n.cluster ORDER BY 1";
    }

    /**
     * Offline features: never streamed, and named like jobs or with at least 80% of their
     * requests (of at least 50) in one 4-hour block of the day.
     */
    public static String batchFeaturesSql() {
        return "SELECT feature FROM (SELECT feature, count(*) AS n, bool_or(stream) AS streamed, max(h_n) / count(*)::DOUBLE AS top4h "
                + "FROM (SELECT feature, stream, sum(1) OVER (PARTITION BY feature, hour(epoch_ms(ts_ms)) // 4) AS h_n FROM requests) "
                + "GROUP BY feature) WHERE feature <> 'untagged' AND NOT streamed AND (regexp_matches(lower(feature), '"
                + BATCH_NAME_REGEX + "') OR (n >= 50 AND top4h >= 0.8))";
    }

    private Finding finding(String id, String title, String strategy, double[] t, String note, String action, List<Finding.Example> ex) {
        return new Finding(id, title, strategy, true, note, (long) t[0], (long) t[1], t[2], t[2] * monthFactor,
                t[3], t[3] * monthFactor, action, ex);
    }

    private double[] totals(String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)};
        }
    }

    private List<Finding.Example> examples(String sql) throws SQLException {
        List<Finding.Example> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                String p = rs.getString(3);
                if (p != null && p.length() > 240) p = p.substring(0, 237) + "...";
                out.add(new Finding.Example(rs.getString(1), rs.getString(2), p, rs.getLong(4), rs.getDouble(5)));
            }
        }
        return out;
    }

    private long scalarLong(String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
