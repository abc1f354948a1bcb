package dev.tokenwise.gateway.keys;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;

/**
 * Keys and budget counters in SQL: a SQLite file (embedded default) or PostgreSQL (shared by
 * replicas). A reservation is one conditional {@code UPDATE ... WHERE spent + reserved + amount <= limit};
 * both databases run it atomically against concurrent updates of the same row (SQLite by its
 * single writer, PostgreSQL by the row lock and re-check of the WHERE clause after waiting), so two
 * reservations can never both pass a check that only one of them fits.
 *
 * <p>Keys that authenticated are kept in memory for {@code keys.auth_cache_ms} (with their stored
 * hash, so a presented secret is still compared in constant time), which takes a query off every
 * request. A revocation through this store drops the key at once; one by another process is seen
 * when the entry expires. Unknown ids and wrong secrets are never kept, so a key created
 * elsewhere works on its first request.
 */
final class JdbcKeyStore implements KeyStore, BudgetLedger, AutoCloseable {
    private static final String[] SCHEMA = {
        """
        CREATE TABLE IF NOT EXISTS api_keys (
          id VARCHAR(32) PRIMARY KEY,
          name TEXT NOT NULL,
          tenant TEXT NOT NULL,
          secret_sha256 CHAR(64) NOT NULL,
          budget_usd TEXT,
          budget_period VARCHAR(8),
          created_at TEXT NOT NULL,
          revoked_at TEXT)""",
        """
        CREATE TABLE IF NOT EXISTS budget_usage (
          key_id VARCHAR(32) NOT NULL,
          period VARCHAR(16) NOT NULL,
          spent_nanos BIGINT NOT NULL DEFAULT 0,
          reserved_nanos BIGINT NOT NULL DEFAULT 0,
          PRIMARY KEY (key_id, period))"""
    };

    private static final int AUTH_CACHE_KEYS = 10_000;

    /** A key that authenticated, with the stored SHA-256 of its secret. */
    private record Authenticated(ApiKey key, byte[] secretSha256) {}

    private final HikariDataSource ds;
    private final InstantSource clock;
    private final RandomGenerator random;
    /** Null when {@code keys.auth_cache_ms} is 0. */
    private final Cache<String, Authenticated> authenticated;
    /** Counts revocations by this store, so a read that raced one does not keep the key it read. */
    private final AtomicLong revocations = new AtomicLong();
    private volatile boolean hasKeys;

    JdbcKeyStore(String jdbcUrl, InstantSource clock, RandomGenerator random, Duration authCache) {
        this.clock = clock;
        this.random = random;
        this.authenticated = authCache.isZero() ? null : Caffeine.newBuilder()
                .maximumSize(AUTH_CACHE_KEYS)
                .expireAfterWrite(authCache)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbcUrl);
        hc.setPoolName("tokenwise-keys");
        boolean sqlite = jdbcUrl.startsWith("jdbc:sqlite:");
        if (sqlite) {
            createParent(jdbcUrl.substring("jdbc:sqlite:".length()));
            // One connection: SQLite has one writer anyway, and this keeps writes of this process in order.
            hc.setMaximumPoolSize(1);
            hc.setConnectionInitSql("PRAGMA busy_timeout=10000");
            // as for the ledger: with WAL, NORMAL loses no commit when the process dies, only on an OS
            // crash, and saves an fsync on each of the two budget updates every request makes
            hc.addDataSourceProperty("synchronous", "NORMAL");
        } else {
            hc.setMaximumPoolSize(8);
        }
        hc.setConnectionTimeout(30_000);
        this.ds = new HikariDataSource(hc);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            if (sqlite) s.execute("PRAGMA journal_mode=WAL");
            for (String ddl : SCHEMA) s.execute(ddl);
        } catch (SQLException e) {
            ds.close();
            throw new IllegalStateException("cannot open the key store at " + redact(jdbcUrl) + ": " + e.getMessage(), e);
        }
    }

    DataSource dataSource() {
        return ds;
    }

    static JdbcKeyStore open(String jdbcUrl, InstantSource clock, Duration authCache) {
        return new JdbcKeyStore(jdbcUrl, clock, new SecureRandom(), authCache);
    }

    private static void createParent(String file) {
        try {
            Path p = Path.of(file).toAbsolutePath().getParent();
            if (p != null) Files.createDirectories(p);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the directory of " + file + ": " + e.getMessage(), e);
        }
    }

    static String redact(String url) {
        return url.replaceAll("password=[^&]*", "password=***");
    }

    @Override
    public Created create(String name, String tenant, BigDecimal budgetUsd, BudgetPeriod period) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a key needs a name");
        if (budgetUsd != null && budgetUsd.signum() < 0) throw new IllegalArgumentException("budget must be >= 0, was " + budgetUsd);
        if (budgetUsd != null && period == null) period = BudgetPeriod.MONTH;
        String t = tenant == null || tenant.isBlank() ? "default" : tenant;
        String id = KeySecrets.newId(random);
        String secret = KeySecrets.newSecret(id, random);
        Instant now = clock.instant();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO api_keys (id, name, tenant, secret_sha256, budget_usd, budget_period, created_at) VALUES (?,?,?,?,?,?,?)")) {
            ps.setString(1, id);
            ps.setString(2, name);
            ps.setString(3, t);
            ps.setString(4, KeySecrets.hashHex(secret));
            ps.setString(5, budgetUsd == null ? null : budgetUsd.toPlainString());
            ps.setString(6, budgetUsd == null ? null : period.label());
            ps.setString(7, now.toString());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the key: " + e.getMessage(), e);
        }
        hasKeys = true;
        return new Created(new ApiKey(id, name, t, budgetUsd, budgetUsd == null ? null : period, now, null), secret);
    }

    @Override
    public List<ApiKey> list() {
        List<ApiKey> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, name, tenant, budget_usd, budget_period, created_at, revoked_at FROM api_keys ORDER BY created_at, id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(row(rs));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list keys: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public Optional<ApiKey> find(String id) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, name, tenant, budget_usd, budget_period, created_at, revoked_at FROM api_keys WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read key " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean revoke(String id) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?")) {
            ps.setString(1, clock.instant().toString());
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot revoke key " + id + ": " + e.getMessage(), e);
        } finally {
            if (authenticated != null) {
                revocations.incrementAndGet();
                authenticated.invalidate(id);
            }
        }
    }

    @Override
    public Optional<ApiKey> authenticate(String secret) {
        String id = KeySecrets.idOf(secret);
        if (id == null) return Optional.empty();
        Authenticated known = authenticated == null ? null : authenticated.getIfPresent(id);
        if (known != null) {
            return KeySecrets.matches(secret, known.secretSha256()) ? Optional.of(known.key()) : Optional.empty();
        }
        long revocationsBefore = revocations.get();
        Authenticated read;
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, name, tenant, budget_usd, budget_period, created_at, revoked_at, secret_sha256 FROM api_keys WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                byte[] stored = HexFormat.of().parseHex(rs.getString("secret_sha256"));
                if (!KeySecrets.matches(secret, stored)) return Optional.empty();
                read = new Authenticated(row(rs), stored);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the key store: " + e.getMessage(), e);
        }
        if (authenticated != null) {
            authenticated.put(id, read);
            // a revocation that ran meanwhile may have dropped the entry before this put: drop it again
            if (revocations.get() != revocationsBefore) authenticated.invalidate(id);
        }
        return Optional.of(read.key());
    }

    @Override
    public boolean hasKeys() {
        if (hasKeys) return true;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM api_keys LIMIT 1")) {
            hasKeys = rs.next();
            return hasKeys;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the key store: " + e.getMessage(), e);
        }
    }

    private static ApiKey row(ResultSet rs) throws SQLException {
        String budget = rs.getString("budget_usd");
        String period = rs.getString("budget_period");
        String revoked = rs.getString("revoked_at");
        return new ApiKey(rs.getString("id"), rs.getString("name"), rs.getString("tenant"),
                budget == null ? null : new BigDecimal(budget),
                period == null ? null : BudgetPeriod.parse(period),
                Instant.parse(rs.getString("created_at")), revoked == null ? null : Instant.parse(revoked));
    }

    @Override
    public boolean reserve(String keyId, String period, long limitNanos, long amountNanos) {
        try (Connection c = ds.getConnection()) {
            // one statement on the common path, where the period's row exists already; otherwise
            // create the row and try again (a refusal after that is final)
            if (reserveIfFits(c, keyId, period, limitNanos, amountNanos)) return true;
            // a concurrent first request of the period may create the row meanwhile: DO NOTHING then
            update(c, "INSERT INTO budget_usage (key_id, period, spent_nanos, reserved_nanos) VALUES (?,?,0,0) "
                    + "ON CONFLICT (key_id, period) DO NOTHING", keyId, period);
            return reserveIfFits(c, keyId, period, limitNanos, amountNanos);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reserve budget: " + e.getMessage(), e);
        }
    }

    private static boolean reserveIfFits(Connection c, String keyId, String period, long limitNanos, long amountNanos)
            throws SQLException {
        return update(c, "UPDATE budget_usage SET reserved_nanos = reserved_nanos + ? "
                + "WHERE key_id = ? AND period = ? AND spent_nanos + reserved_nanos + ? <= ?",
                amountNanos, keyId, period, amountNanos, limitNanos) == 1;
    }

    @Override
    public void settle(String keyId, String period, long reservedNanos, long actualNanos) {
        try (Connection c = ds.getConnection()) {
            update(c, "UPDATE budget_usage SET reserved_nanos = reserved_nanos - ?, spent_nanos = spent_nanos + ? "
                    + "WHERE key_id = ? AND period = ?", reservedNanos, actualNanos, keyId, period);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot settle budget: " + e.getMessage(), e);
        }
    }

    /** Adds settled spend written behind by {@link MemoryBudgetLedger}, creating the period's row if needed. */
    void addSpent(String keyId, String period, long nanos) {
        try (Connection c = ds.getConnection()) {
            update(c, "INSERT INTO budget_usage (key_id, period, spent_nanos, reserved_nanos) VALUES (?,?,?,0) "
                    + "ON CONFLICT (key_id, period) DO UPDATE SET spent_nanos = budget_usage.spent_nanos + excluded.spent_nanos",
                    keyId, period, nanos);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write budget spend: " + e.getMessage(), e);
        }
    }

    /** Runs one parameterised statement; parameters are {@code String}s and {@code Long}s. */
    private static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                if (params[i] instanceof Long l) ps.setLong(i + 1, l); else ps.setString(i + 1, (String) params[i]);
            }
            return ps.executeUpdate();
        }
    }

    @Override
    public Balance balance(String keyId, String period) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT spent_nanos, reserved_nanos FROM budget_usage WHERE key_id = ? AND period = ?")) {
            ps.setString(1, keyId);
            ps.setString(2, period);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Balance(rs.getLong(1), rs.getLong(2)) : Balance.EMPTY;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read budget: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        ds.close();
    }
}
