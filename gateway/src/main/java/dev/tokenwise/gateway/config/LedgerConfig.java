package dev.tokenwise.gateway.config;

/**
 * Where request records are kept and how they are written.
 *
 * @param url empty for the embedded SQLite file ({@code <data_dir>/ledger.db}); a
 *     {@code jdbc:sqlite:...} or {@code jdbc:postgresql://...} URL otherwise
 * @param usernameEnv environment variable holding the database user (PostgreSQL)
 * @param passwordEnv environment variable holding the database password (PostgreSQL)
 * @param flushIntervalMs the writer flushes at least this often; also the most a {@code kill -9} can lose
 * @param batchSize the writer flushes as soon as this many records are queued; small, so that a
 *     flush holds a core for a short time (a busy gateway's requests wait behind a long one)
 * @param queueCapacity records that may wait for the writer; when full, appends block (see docs/accounting.md)
 * @param enqueueTimeoutMs how long an append may block on a full queue before the record is counted as dropped
 * @param poolSize database connections (writer plus readers)
 */
public record LedgerConfig(String url, String usernameEnv, String passwordEnv, Integer flushIntervalMs,
                           Integer batchSize, Integer queueCapacity, Integer enqueueTimeoutMs, Integer poolSize) {
    public LedgerConfig {
        if (url != null && url.isBlank()) url = null;
        if (flushIntervalMs == null) flushIntervalMs = 200;
        if (batchSize == null) batchSize = 50;
        if (queueCapacity == null) queueCapacity = 100_000;
        if (enqueueTimeoutMs == null) enqueueTimeoutMs = 5_000;
        if (poolSize == null) poolSize = 4;
    }

    public static LedgerConfig defaults() {
        return new LedgerConfig(null, null, null, null, null, null, null, null);
    }

    public boolean embedded() { return url == null; }

    public LedgerConfig withUrl(String u) {
        return new LedgerConfig(u, usernameEnv, passwordEnv, flushIntervalMs, batchSize, queueCapacity, enqueueTimeoutMs, poolSize);
    }

    public LedgerConfig withFlushIntervalMs(int ms) {
        return new LedgerConfig(url, usernameEnv, passwordEnv, ms, batchSize, queueCapacity, enqueueTimeoutMs, poolSize);
    }

    public LedgerConfig withQueue(int capacity, int timeoutMs) {
        return new LedgerConfig(url, usernameEnv, passwordEnv, flushIntervalMs, batchSize, capacity, timeoutMs, poolSize);
    }
}
