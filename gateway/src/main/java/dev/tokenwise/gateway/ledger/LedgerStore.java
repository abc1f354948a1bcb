package dev.tokenwise.gateway.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tokenwise.gateway.config.ConfigException;
import dev.tokenwise.gateway.config.LedgerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The database behind the ledger: an embedded SQLite file ({@code <data_dir>/ledger.db}, WAL mode)
 * or a PostgreSQL server, reached through a small HikariCP pool. It creates the {@code requests}
 * table from {@code schema.sql} (the portable subset of SQL both understand) and inserts batches.
 */
public final class LedgerStore implements AutoCloseable {
    /** The embedded ledger file's name inside the data directory. */
    public static final String FILE_NAME = "ledger.db";

    static final String INSERT = "INSERT INTO requests (id, ts_ms, key_id, tenant, feature, requested_model, served_model, "
            + "provider, input_tokens, cached_tokens, output_tokens, cost_usd, baseline_usd, saved_usd, strategy, "
            + "cache_status, latency_ms, ttft_ms, status, error_code) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

    private final HikariDataSource dataSource;
    private final String url;
    private final boolean sqlite;

    private LedgerStore(HikariDataSource dataSource, String url, boolean sqlite) {
        this.dataSource = dataSource;
        this.url = url;
        this.sqlite = sqlite;
    }

    /** The JDBC URL a ledger config points at (the embedded file when {@code url} is unset). */
    public static String jdbcUrl(LedgerConfig config, Path dataDir) {
        return config.embedded() ? "jdbc:sqlite:" + dataDir.resolve(FILE_NAME).toAbsolutePath() : config.url();
    }

    /**
     * Opens (and if needed creates) the ledger database.
     *
     * @param env environment lookup for {@code username_env} / {@code password_env}
     */
    public static LedgerStore open(LedgerConfig config, Path dataDir, Function<String, String> env) {
        String url = jdbcUrl(config, dataDir);
        boolean sqlite = url.startsWith("jdbc:sqlite:");
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("tokenwise-ledger");
        hc.setJdbcUrl(url);
        hc.setMaximumPoolSize(config.poolSize());
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(10_000);
        hc.setInitializationFailTimeout(10_000);
        if (sqlite) {
            try {
                Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new ConfigException("server.data_dir: cannot create '" + dataDir + "': " + e.getMessage(), e);
            }
            hc.setDriverClassName("org.sqlite.JDBC");
            // WAL lets readers (report, dashboard) run while the writer appends; synchronous=NORMAL in
            // WAL mode survives a process crash (the WAL is in the OS page cache), only power loss can cost
            // the last commits.
            hc.addDataSourceProperty("journal_mode", "WAL");
            hc.addDataSourceProperty("synchronous", "NORMAL");
            hc.addDataSourceProperty("busy_timeout", "10000");
        } else {
            hc.setDriverClassName("org.postgresql.Driver");
            if (config.usernameEnv() != null) hc.setUsername(env.apply(config.usernameEnv()));
            if (config.passwordEnv() != null) hc.setPassword(env.apply(config.passwordEnv()));
        }
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new ConfigException("ledger: cannot open " + redact(url) + ": " + rootMessage(e), e);
        }
        LedgerStore store = new LedgerStore(ds, url, sqlite);
        try {
            store.createSchema();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return store;
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) e = e.getCause();
        return e.getMessage();
    }

    private static String redact(String url) {
        return url.replaceAll("password=[^&]*", "password=***");
    }

    public DataSource dataSource() { return dataSource; }

    /** The JDBC URL (for messages; never contains the password unless the URL itself does). */
    public String url() { return redact(url); }

    public boolean sqlite() { return sqlite; }

    /** Read access to the stored records. */
    public LedgerQuery query() { return new LedgerQuery(dataSource); }

    private void createSchema() {
        String sql;
        try (InputStream in = LedgerStore.class.getResourceAsStream("schema.sql")) {
            if (in == null) throw new IllegalStateException("schema.sql is missing from the jar");
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            for (String s : sql.replaceAll("(?m)^--.*$", "").split(";")) {
                if (!s.isBlank()) st.execute(s.strip());
            }
        } catch (SQLException e) {
            throw new ConfigException("ledger: cannot create the schema in " + url() + ": " + e.getMessage(), e);
        }
    }

    /** Inserts records in one transaction; a record whose id is already stored is skipped (retries are idempotent). */
    void insert(List<LedgerRecord> records) throws SQLException {
        String insert = sqlite ? INSERT.replace("INSERT INTO", "INSERT OR IGNORE INTO")
                : INSERT + " ON CONFLICT (id) DO NOTHING";
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                for (LedgerRecord r : records) {
                    int i = 1;
                    ps.setString(i++, r.id());
                    ps.setLong(i++, r.time().toEpochMilli());
                    ps.setString(i++, r.keyId());
                    ps.setString(i++, r.tenant());
                    ps.setString(i++, r.feature());
                    ps.setString(i++, r.requestedModel());
                    setNullable(ps, i++, r.servedModel());
                    setNullable(ps, i++, r.provider());
                    ps.setLong(i++, r.inputTokens());
                    ps.setLong(i++, r.cachedTokens());
                    ps.setLong(i++, r.outputTokens());
                    ps.setBigDecimal(i++, r.costUsd());
                    ps.setBigDecimal(i++, r.baselineUsd());
                    ps.setBigDecimal(i++, r.savedUsd());
                    ps.setString(i++, r.strategy());
                    ps.setString(i++, r.cacheStatus());
                    ps.setDouble(i++, r.latencyMs());
                    ps.setDouble(i++, r.ttftMs());
                    ps.setInt(i++, r.status());
                    setNullable(ps, i, r.errorCode());
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static void setNullable(PreparedStatement ps, int i, String v) throws SQLException {
        if (v == null) ps.setNull(i, Types.VARCHAR);
        else ps.setString(i, v);
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
