package dev.tokenwise.gateway.keys;

import dev.tokenwise.gateway.config.ConfigException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Budget counters of a gateway that is the only process using its SQLite key store: reservations
 * and settlements are checked and counted in memory, and the spend is written behind to SQLite
 * every flush interval and at shutdown, so neither is a write transaction on the request path.
 * Counters start from the store's spend the first time a key's period is used (reservations left
 * in the store by a process that died are void: their requests ended with it).
 *
 * <p>The no-overspend guarantee holds because one process makes every reservation, under the
 * counter's lock. That process holds an exclusive lock on {@code <store>.budget-lock}; a second
 * gateway on the same file without Redis refuses to start (replicas share budgets through Redis or
 * PostgreSQL, which keep the SQL or Lua path). Commands that only read or create keys do not take
 * the lock; the balances they read from the file are behind by at most one flush interval. What a crash loses: a {@code kill -9} or power
 * loss forgets the spend settled since the last write-behind (at most one flush interval), so the
 * key can afterwards spend that much beyond its budget.
 */
final class MemoryBudgetLedger implements BudgetLedger, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryBudgetLedger.class);

    private final JdbcKeyStore store;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final ScheduledExecutorService writer;

    /** One key's period: spend and reservations in nano-dollars, and the spend not yet in the store. */
    private static final class Counter {
        final String keyId;
        final String period;
        long spent;
        long reserved;
        long unwritten;

        Counter(String keyId, String period, long spent) {
            this.keyId = keyId;
            this.period = period;
            this.spent = spent;
        }
    }

    private MemoryBudgetLedger(JdbcKeyStore store, FileChannel lockFile, FileLock lock, long flushIntervalMs) {
        this.store = store;
        this.lockFile = lockFile;
        this.lock = lock;
        this.writer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("tokenwise-budget-writer").daemon().factory());
        writer.scheduleWithFixedDelay(this::writeBehind, flushIntervalMs, flushIntervalMs, TimeUnit.MILLISECONDS);
    }

    /**
     * The in-memory ledger over {@code store}, holding the exclusive lock next to the SQLite file
     * {@code db}; null if the lock file cannot be created (the caller keeps SQL transactions).
     *
     * @throws ConfigException if another gateway holds the lock: its reservations are in its memory,
     *     so a second gateway counting budgets in the same file could overspend them
     */
    static MemoryBudgetLedger lockAndOpen(JdbcKeyStore store, Path db, long flushIntervalMs) {
        Path lockPath = db.resolveSibling(db.getFileName() + ".budget-lock");
        FileChannel ch;
        try {
            ch = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            LOG.warn("cannot create {}; budgets are counted in SQL transactions: {}", lockPath, e.toString());
            return null;
        }
        FileLock l = null;
        try {
            l = ch.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            // held by this JVM already, or not lockable: reported below
        }
        if (l != null) return new MemoryBudgetLedger(store, ch, l, flushIntervalMs);
        closeQuietly(ch);
        throw new ConfigException("keys.url: another gateway is serving budgets from the SQLite key store " + db
                + " (it holds " + lockPath + "); gateways that share budgets must count them in Redis (keys.redis_url) "
                + "or PostgreSQL (keys.url: jdbc:postgresql://...)");
    }

    private Counter counter(String keyId, String period) {
        return counters.computeIfAbsent(keyId + '\u0000' + period,
                k -> new Counter(keyId, period, store.balance(keyId, period).spentNanos()));
    }

    @Override
    public boolean reserve(String keyId, String period, long limitNanos, long amountNanos) {
        Counter c = counter(keyId, period);
        synchronized (c) {
            if (c.spent + c.reserved + amountNanos > limitNanos) return false;
            c.reserved += amountNanos;
            return true;
        }
    }

    @Override
    public void settle(String keyId, String period, long reservedNanos, long actualNanos) {
        Counter c = counter(keyId, period);
        synchronized (c) {
            c.reserved -= reservedNanos;
            c.spent += actualNanos;
            c.unwritten += actualNanos;
        }
    }

    /** Reservations are counted in this process only (a restart starts with none): adds it back. */
    @Override
    public void restore(String keyId, String period, long amountNanos) {
        Counter c = counter(keyId, period);
        synchronized (c) {
            c.reserved += amountNanos;
        }
    }

    @Override
    public Balance balance(String keyId, String period) {
        Counter c = counter(keyId, period);
        synchronized (c) {
            return new Balance(c.spent, c.reserved);
        }
    }

    /** Adds each counter's unwritten spend to the store; what fails to be written is tried again next time. */
    private void writeBehind() {
        for (Counter c : counters.values()) {
            long delta;
            synchronized (c) {
                delta = c.unwritten;
                c.unwritten = 0;
            }
            if (delta == 0) continue;
            try {
                store.addSpent(c.keyId, c.period, delta);
            } catch (RuntimeException e) {
                synchronized (c) {
                    c.unwritten += delta;
                }
                LOG.warn("could not write budget spend of key {} behind; retrying: {}", c.keyId, e.toString());
            }
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) LOG.warn("budget writer did not stop in 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            writeBehind();
        } finally {
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel releases it as well
            }
            closeQuietly(lockFile);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was written through it
        }
    }
}
