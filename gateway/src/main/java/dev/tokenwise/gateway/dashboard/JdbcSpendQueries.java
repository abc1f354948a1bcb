package dev.tokenwise.gateway.dashboard;

import dev.tokenwise.core.error.GatewayException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link SpendQueries} in SQL over the ledger's {@code requests} table (SQLite or PostgreSQL);
 * read-only, one short connection per query so it never holds a lock the writer needs.
 */
public final class JdbcSpendQueries implements SpendQueries {
    private static final Map<String, String> COLUMNS = Map.of(
            "model", "requested_model", "served_model", "served_model", "provider", "provider",
            "feature", "feature", "key", "key_id", "tenant", "tenant", "strategy", "strategy",
            "cache_status", "cache_status");

    private static final String SCHEMA = schema();

    private final String jdbcUrl;
    private final Path sqliteFile;

    private JdbcSpendQueries(String jdbcUrl, Path sqliteFile) {
        this.jdbcUrl = jdbcUrl;
        this.sqliteFile = sqliteFile;
    }

    /** Any JDBC database holding the ledger's {@code requests} table. */
    public static JdbcSpendQueries jdbc(String jdbcUrl) {
        return new JdbcSpendQueries(jdbcUrl, null);
    }

    /** A SQLite ledger file, opened read-only; a file not written yet reads as an empty ledger. */
    public static JdbcSpendQueries sqlite(Path file) {
        return new JdbcSpendQueries("jdbc:sqlite:" + file.toAbsolutePath() + "?open_mode=1", file);
    }

    private static String schema() {
        try (InputStream in = JdbcSpendQueries.class.getResourceAsStream("/dev/tokenwise/gateway/ledger/schema.sql")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            StringBuilder b = new StringBuilder();
            for (String line : text.split("\n")) if (!line.startsWith("--")) b.append(line).append('\n');
            return b.toString();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("ledger schema.sql missing from the classpath", e);
        }
    }

    @Override
    public Totals totals(Filter f) {
        Where w = where(f);
        String sql = "SELECT COUNT(*), SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END), COALESCE(SUM(input_tokens),0),"
                + " COALESCE(SUM(cached_tokens),0), COALESCE(SUM(output_tokens),0), COALESCE(SUM(cost_usd),0),"
                + " COALESCE(SUM(baseline_usd),0), COALESCE(SUM(saved_usd),0),"
                + " SUM(CASE WHEN cache_status LIKE 'hit%' THEN 1 ELSE 0 END), COALESCE(AVG(latency_ms),0)"
                + " FROM requests" + w.sql;
        return query(sql, w.args, rs -> {
            rs.next();
            return new Totals(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                    money(rs, 6), money(rs, 7), money(rs, 8), rs.getLong(9), rs.getDouble(10));
        });
    }

    @Override
    public List<Point> timeseries(Filter f, Duration bucket) {
        long b = Math.max(1000, bucket.toMillis());
        Where w = where(f);
        String sql = "SELECT (ts_ms / " + b + ") * " + b + " AS bucket, COUNT(*), COALESCE(SUM(cost_usd),0),"
                + " COALESCE(SUM(baseline_usd),0), COALESCE(SUM(saved_usd),0) FROM requests" + w.sql
                + " GROUP BY bucket ORDER BY bucket";
        return query(sql, w.args, rs -> {
            List<Point> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Point(Instant.ofEpochMilli(rs.getLong(1)), rs.getLong(2), money(rs, 3), money(rs, 4), money(rs, 5)));
            }
            return out;
        });
    }

    @Override
    public List<Group> breakdown(Filter f, String dimension, int limit) {
        String col = COLUMNS.get(dimension);
        if (col == null) {
            throw GatewayException.invalidRequest("unknown breakdown '" + dimension + "' (one of "
                    + DIMENSIONS.stream().sorted().toList() + ")", "by");
        }
        Where w = where(f);
        String sql = "SELECT COALESCE(" + col + ", ''), COUNT(*), COALESCE(SUM(input_tokens),0), COALESCE(SUM(output_tokens),0),"
                + " COALESCE(SUM(cost_usd),0), COALESCE(SUM(baseline_usd),0), COALESCE(SUM(saved_usd),0)"
                + " FROM requests" + w.sql + " GROUP BY COALESCE(" + col + ", '') ORDER BY 5 DESC, 2 DESC LIMIT " + Math.max(1, limit);
        return query(sql, w.args, rs -> {
            List<Group> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Group(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), money(rs, 5), money(rs, 6), money(rs, 7)));
            }
            return out;
        });
    }

    @Override
    public List<Row> recent(Filter f, int limit) {
        Where w = where(f);
        String sql = "SELECT id, ts_ms, key_id, tenant, feature, requested_model, served_model, provider, input_tokens,"
                + " cached_tokens, output_tokens, cost_usd, baseline_usd, saved_usd, strategy, cache_status, latency_ms,"
                + " ttft_ms, status, error_code FROM requests" + w.sql + " ORDER BY ts_ms DESC, id DESC LIMIT " + Math.max(1, limit);
        return query(sql, w.args, rs -> {
            List<Row> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Row(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getLong(9), rs.getLong(10),
                        rs.getLong(11), money(rs, 12), money(rs, 13), money(rs, 14), rs.getString(15), rs.getString(16),
                        rs.getDouble(17), rs.getDouble(18), rs.getInt(19), rs.getString(20)));
            }
            return out;
        });
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

    /** SQLite hands NUMERIC sums back as doubles; normalise to 10 decimal places like the ledger. */
    private static BigDecimal money(ResultSet rs, int col) throws SQLException {
        BigDecimal v = rs.getBigDecimal(col);
        return v == null ? BigDecimal.ZERO : v.setScale(10, java.math.RoundingMode.HALF_UP).stripTrailingZeros();
    }

    /** The empty answer while the ledger has not been created yet (no request so far). */
    private <T> T emptyOf(String sql, Reader<T> reader) {
        if (sqliteFile == null || Files.isRegularFile(sqliteFile)) return null;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            try (var st = c.createStatement()) {
                for (String ddl : SCHEMA.split(";")) if (!ddl.isBlank()) st.execute(ddl);
            }
            try (PreparedStatement ps = c.prepareStatement(sql.replace("?", "NULL")); ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw GatewayException.internal("the ledger could not be read", e);
        }
    }

    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T query(String sql, List<Object> args, Reader<T> reader) {
        T empty = emptyOf(sql, reader);
        if (empty != null) return empty;
        try (Connection c = DriverManager.getConnection(jdbcUrl); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw GatewayException.internal("the ledger could not be read", e);
        }
    }
}
