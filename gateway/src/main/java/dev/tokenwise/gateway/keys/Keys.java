package dev.tokenwise.gateway.keys;

import dev.tokenwise.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import javax.sql.DataSource;

/**
 * The key store and the budget ledger of one gateway (or of the {@code keys} command), opened from
 * configuration: SQL for keys (SQLite under the data directory, or PostgreSQL), and budget counters
 * in the same database or in Redis when {@code keys.redis_url} is set.
 */
public final class Keys implements AutoCloseable {
    private static final String SQLITE = "jdbc:sqlite:";
    private final JdbcKeyStore store;
    private final BudgetLedger ledger;
    private final AutoCloseable ledgerCloser;

    private Keys(JdbcKeyStore store, BudgetLedger ledger, AutoCloseable ledgerCloser) {
        this.store = store;
        this.ledger = ledger;
        this.ledgerCloser = ledgerCloser;
    }

    public static Keys open(GatewayConfig config, InstantSource clock) {
        JdbcKeyStore store = JdbcKeyStore.open(config.keys().jdbcUrl(config.server().dataDir()), clock, authCache(config));
        return withLedger(config, store);
    }

    /**
     * As {@link #open} for the serving gateway: when the keys live in a SQLite file that no other
     * gateway is serving from, budgets are counted in memory and written behind
     * ({@link MemoryBudgetLedger}), which takes two write transactions off every request; a second
     * gateway on that file without Redis is refused with a {@link dev.tokenwise.gateway.config.ConfigException}.
     */
    public static Keys openServing(GatewayConfig config, InstantSource clock) {
        String url = config.keys().jdbcUrl(config.server().dataDir());
        JdbcKeyStore store = JdbcKeyStore.open(url, clock, authCache(config));
        if (config.keys().redisUrl() == null && url.startsWith(SQLITE)) {
            MemoryBudgetLedger memory;
            try {
                memory = MemoryBudgetLedger.lockAndOpen(store, Path.of(url.substring(SQLITE.length()).split("\\?", 2)[0]),
                        config.ledger().flushIntervalMs());
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            if (memory != null) return new Keys(store, memory, memory);
        }
        return withLedger(config, store);
    }

    private static Duration authCache(GatewayConfig config) {
        return Duration.ofMillis(config.keys().authCacheMs());
    }

    private static Keys withLedger(GatewayConfig config, JdbcKeyStore store) {
        if (config.keys().redisUrl() == null) return new Keys(store, store, null);
        try {
            RedisBudgetLedger redis = new RedisBudgetLedger(config.keys().redisUrl());
            return new Keys(store, redis, redis);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public KeyStore store() { return store; }

    public BudgetLedger budgets() { return ledger; }

    /** The key store's database (SQLite file or PostgreSQL), for other small tables of the gateway. */
    public DataSource dataSource() { return store.dataSource(); }

    @Override
    public void close() {
        try {
            if (ledgerCloser != null) ledgerCloser.close();
        } catch (Exception ignored) {
            // closing a client pool cannot fail in a way the caller could act on
        } finally {
            store.close();
        }
    }
}
