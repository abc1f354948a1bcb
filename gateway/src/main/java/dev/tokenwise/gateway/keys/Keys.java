package dev.tokenwise.gateway.keys;

import dev.tokenwise.gateway.config.GatewayConfig;
import java.time.InstantSource;
import javax.sql.DataSource;

/**
 * The key store and the budget ledger of one gateway (or of the {@code keys} command), opened from
 * configuration: SQL for keys (SQLite under the data directory, or PostgreSQL), and budget counters
 * in the same database or in Redis when {@code keys.redis_url} is set.
 */
public final class Keys implements AutoCloseable {
    private final JdbcKeyStore store;
    private final BudgetLedger ledger;
    private final AutoCloseable ledgerCloser;

    private Keys(JdbcKeyStore store, BudgetLedger ledger, AutoCloseable ledgerCloser) {
        this.store = store;
        this.ledger = ledger;
        this.ledgerCloser = ledgerCloser;
    }

    public static Keys open(GatewayConfig config, InstantSource clock) {
        JdbcKeyStore store = JdbcKeyStore.open(config.keys().jdbcUrl(config.server().dataDir()), clock);
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
