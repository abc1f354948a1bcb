package dev.tokenwise.gateway.ledger;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Read side of the ledger: the aggregations the {@code report} command and the dashboard show,
 * computed in SQL over the {@code requests} table (portable between SQLite and PostgreSQL).
 * Every method takes a {@link Filter} (time range and tenant).
 */
public final class LedgerQuery {
    private static final int SCALE = 10;

    private final DataSource dataSource;

    public LedgerQuery(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Which records to look at.
     *
     * @param from inclusive lower bound, or null for the beginning
     * @param to exclusive upper bound, or null for no bound
     * @param tenant only this tenant's records, or null for all
     */
    public record Filter(Instant from, Instant to, String tenant) {
        public static final Filter ALL = new Filter(null, null, null);

        /** The last {@code window} up to now. */
        public static Filter since(Duration window, InstantSource clock) {
            Instant now = clock.instant();
            return new Filter(now.minus(window), null, null);
        }

        public Filter withTenant(String t) { return new Filter(from, to, t); }

        public Filter withTo(Instant t) { return new Filter(from, t, tenant); }
    }

    /**
     * Sums over a set of requests.
     *
     * @param requests number of requests (failed ones included)
     * @param errors requests answered with a status >= 400
     * @param spendUsd what they actually cost
     * @param baselineUsd what they would have cost unoptimised
     * @param savedUsd baseline minus spend
     * @param savedPct saved ÷ baseline × 100 (0 when the baseline is 0)
     * @param inputTokens billed prompt tokens
     * @param cachedTokens prompt tokens read from provider prompt caches
     * @param outputTokens completion tokens
     * @param first the earliest request's time (null when none)
     * @param last the latest request's time (null when none)
     */
    public record Totals(long requests, long errors, BigDecimal spendUsd, BigDecimal baselineUsd, BigDecimal savedUsd,
                         double savedPct, long inputTokens, long cachedTokens, long outputTokens,
                         Instant first, Instant last) {
        public static final Totals EMPTY = new Totals(0, 0, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, 0, 0, 0, 0, null, null);
    }

    /** What {@link #groupBy} groups on. */
    public enum Dimension {
        FEATURE("feature"),
        /** The model that answered (the requested one when the request failed before a provider). */
        MODEL("COALESCE(served_model, requested_model)"),
        REQUESTED_MODEL("requested_model"),
        KEY("key_id"),
        TENANT("tenant"),
        /** The combination of strategies applied, e.g. "routing,trim"; "none" when none. */
        STRATEGY("CASE WHEN strategy = '' THEN 'none' ELSE strategy END"),
        CACHE_STATUS("cache_status");

        final String column;

        Dimension(String column) {
            this.column = column;
        }

        /** Parses "feature", "model", "key", "strategy", "cache_status" (or the enum name). */
        public static Dimension parse(String s) {
            String n = s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
            if (n.equals("CACHE")) n = "CACHE_STATUS";
            try {
                return valueOf(n);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown grouping '" + s + "' (one of feature, model, requested_model, key, tenant, strategy, cache_status)");
            }
        }

        public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** One group's key and its totals. */
    public record Group(String key, Totals totals) {}

    /** Time-series bucket widths. */
    public enum Bucket {
        HOUR(3_600_000L), DAY(86_400_000L);

        final long millis;

        Bucket(long millis) {
            this.millis = millis;
        }

        public long millis() { return millis; }
    }

    /** One bucket of a time series: spend vs baseline in [start, start + bucket). */
    public record Point(Instant start, long requests, BigDecimal spendUsd, BigDecimal baselineUsd, BigDecimal savedUsd) {}

    private static final String SUMS = "COUNT(*), SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END), "
            + "SUM(cost_usd), SUM(baseline_usd), SUM(saved_usd), SUM(input_tokens), SUM(cached_tokens), "
            + "SUM(output_tokens), MIN(ts_ms), MAX(ts_ms)";

    /** Totals over every request the filter selects. */
    public Totals totals(Filter f) {
        Where w = where(f);
        String sql = "SELECT " + SUMS + " FROM requests" + w.sql;
        return query(sql, w.args, rs -> rs.next() ? totals(rs, 1) : Totals.EMPTY);
    }

    /** Totals per group, largest baseline first. */
    public List<Group> groupBy(Dimension d, Filter f) {
        Where w = where(f);
        String sql = "SELECT " + d.column + " AS g, " + SUMS + " FROM requests" + w.sql
                + " GROUP BY " + d.column + " ORDER BY SUM(baseline_usd) DESC, g";
        return query(sql, w.args, rs -> {
            List<Group> out = new ArrayList<>();
            while (rs.next()) out.add(new Group(rs.getString(1), totals(rs, 2)));
            return out;
        });
    }

    /** Spend vs baseline per bucket, oldest first; buckets with no requests are left out. */
    public List<Point> series(Bucket b, Filter f) {
        Where w = where(f);
        String bucket = "(ts_ms / " + b.millis + ") * " + b.millis;
        String sql = "SELECT " + bucket + " AS bucket, COUNT(*), SUM(cost_usd), SUM(baseline_usd), SUM(saved_usd) FROM requests"
                + w.sql + " GROUP BY " + bucket + " ORDER BY bucket";
        return query(sql, w.args, rs -> {
            List<Point> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Point(Instant.ofEpochMilli(rs.getLong(1)), rs.getLong(2), money(rs, 3), money(rs, 4), money(rs, 5)));
            }
            return out;
        });
    }

    /** The most recent requests, newest first. */
    public List<LedgerRecord> recent(int limit, Filter f) {
        if (limit < 1) throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        Where w = where(f);
        String sql = "SELECT id, ts_ms, key_id, tenant, feature, requested_model, served_model, provider, input_tokens, "
                + "cached_tokens, output_tokens, cost_usd, baseline_usd, saved_usd, strategy, cache_status, latency_ms, "
                + "ttft_ms, status, error_code FROM requests" + w.sql + " ORDER BY ts_ms DESC, id DESC LIMIT " + limit;
        return query(sql, w.args, rs -> {
            List<LedgerRecord> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new LedgerRecord(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                        rs.getLong(9), rs.getLong(10), rs.getLong(11), money(rs, 12), money(rs, 13), money(rs, 14),
                        rs.getString(15), rs.getString(16), rs.getDouble(17), rs.getDouble(18), rs.getInt(19),
                        rs.getString(20)));
            }
            return out;
        });
    }

    /** True when a record with this id is stored; for tests and audits. */
    public boolean contains(String id) {
        return query("SELECT COUNT(*) FROM requests WHERE id = ?", List.of(id), rs -> rs.next() && rs.getLong(1) > 0);
    }

    private static Totals totals(ResultSet rs, int i) throws SQLException {
        long n = rs.getLong(i);
        if (n == 0) return Totals.EMPTY;
        BigDecimal spend = money(rs, i + 2);
        BigDecimal baseline = money(rs, i + 3);
        BigDecimal saved = money(rs, i + 4);
        return new Totals(n, rs.getLong(i + 1), spend, baseline, saved, pct(saved, baseline),
                rs.getLong(i + 5), rs.getLong(i + 6), rs.getLong(i + 7),
                Instant.ofEpochMilli(rs.getLong(i + 8)), Instant.ofEpochMilli(rs.getLong(i + 9)));
    }

    /** part ÷ whole × 100, 0 when whole is 0. */
    public static double pct(BigDecimal part, BigDecimal whole) {
        if (whole.signum() == 0) return 0;
        return part.multiply(BigDecimal.valueOf(100)).divide(whole, MathContext.DECIMAL64).doubleValue();
    }

    private static BigDecimal money(ResultSet rs, int i) throws SQLException {
        // SQLite stores NUMERIC as REAL when it has a fraction; round back to the stored scale.
        BigDecimal v = rs.getBigDecimal(i);
        return v == null ? BigDecimal.ZERO : v.setScale(SCALE, RoundingMode.HALF_UP).stripTrailingZeros();
    }

    private record Where(String sql, List<Object> args) {}

    private static Where where(Filter f) {
        List<String> parts = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        if (f.from() != null) { parts.add("ts_ms >= ?"); args.add(f.from().toEpochMilli()); }
        if (f.to() != null) { parts.add("ts_ms < ?"); args.add(f.to().toEpochMilli()); }
        if (f.tenant() != null) { parts.add("tenant = ?"); args.add(f.tenant()); }
        return new Where(parts.isEmpty() ? "" : " WHERE " + String.join(" AND ", parts), args);
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T query(String sql, List<Object> args, Reader<T> reader) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("ledger query failed: " + e.getMessage(), e);
        }
    }
}
