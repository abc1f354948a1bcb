package dev.tokenwise.gateway.ledger;

import dev.tokenwise.gateway.config.LedgerConfig;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger writer: requests append records to a bounded in-memory queue and return at once; one
 * background thread writes them to the {@link LedgerStore} in batches, as soon as
 * {@code batch_size} records are waiting or {@code flush_interval_ms} after the oldest one arrived.
 *
 * <p>Guarantees: {@link #close()} writes every queued record before it returns (a SIGTERM loses
 * nothing); a {@code kill -9} can lose at most the records of the last flush interval. When the
 * queue is full, {@link #append} blocks up to {@code enqueue_timeout_ms} (backpressure on the
 * request, which is better than losing the record); only after that is the record dropped, counted
 * in {@link #dropped()} and logged, never silently. A failing database is retried with backoff
 * while the records stay queued.
 */
public final class BatchingLedger implements Ledger {
    private static final Logger LOG = LoggerFactory.getLogger(BatchingLedger.class);

    private final LedgerStore store;
    private final int batchSize;
    private final long flushIntervalNanos;
    private final long enqueueTimeoutMs;
    private final BlockingQueue<LedgerRecord> queue;
    private final BlockingQueue<CompletableFuture<Void>> flushRequests = new ArrayBlockingQueue<>(1024);
    private final Thread writer;
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private volatile boolean closed;
    private final Object wake = new Object();

    public BatchingLedger(LedgerStore store, LedgerConfig config) {
        this.store = store;
        this.batchSize = config.batchSize();
        this.flushIntervalNanos = TimeUnit.MILLISECONDS.toNanos(config.flushIntervalMs());
        this.enqueueTimeoutMs = config.enqueueTimeoutMs();
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.writer = Thread.ofPlatform().name("tokenwise-ledger-writer").daemon(true).unstarted(this::run);
        writer.start();
    }

    public LedgerStore store() { return store; }

    /** Records accepted so far. */
    public long appended() { return appended.get(); }

    /** Records committed to the database so far. */
    public long written() { return written.get(); }

    /** Records given up because the queue stayed full, or appended after close (each one logged). */
    public long dropped() { return dropped.get(); }

    /** Records waiting for the writer. */
    public int queued() { return queue.size(); }

    @Override
    public void append(LedgerRecord record) {
        if (closed) {
            dropped.incrementAndGet();
            LOG.error("ledger record {} arrived after the ledger was closed; dropped ({} dropped so far)", record.id(), dropped.get());
            return;
        }
        try {
            if (queue.offer(record) || queue.offer(record, enqueueTimeoutMs, TimeUnit.MILLISECONDS)) {
                appended.incrementAndGet();
                if (queue.size() >= batchSize) wakeWriter();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long n = dropped.incrementAndGet();
        LOG.error("ledger queue full for {} ms ({} records waiting): record {} dropped ({} dropped so far)",
                enqueueTimeoutMs, queue.size(), record.id(), n);
    }

    @Override
    public void flush() {
        if (!writer.isAlive()) return;
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            flushRequests.put(done);
            wakeWriter();
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("ledger flush failed", e.getCause());
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        wakeWriter();
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.debug("ledger closed: {} written in {} batches, {} dropped", written.get(), batches.get(), dropped.get());
        store.close();
    }

    private void wakeWriter() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void run() {
        List<LedgerRecord> batch = new ArrayList<>(batchSize);
        long oldestAt = 0;
        while (true) {
            boolean closing = closed;
            if (batch.isEmpty() && !queue.isEmpty()) oldestAt = System.nanoTime();
            queue.drainTo(batch, batchSize - batch.size());
            List<CompletableFuture<Void>> flushes = new ArrayList<>();
            flushRequests.drainTo(flushes);
            boolean due = !batch.isEmpty() && (batch.size() >= batchSize || closing || !flushes.isEmpty()
                    || System.nanoTime() - oldestAt >= flushIntervalNanos);
            if (due) {
                write(batch, closing);
                batch.clear();
                if (!queue.isEmpty()) {
                    // more waiting (or a flush asked for everything queued before it): go round at once
                    if (!flushes.isEmpty()) flushRequests.addAll(flushes);
                    continue;
                }
            }
            if (!flushes.isEmpty() && queue.isEmpty() && batch.isEmpty()) flushes.forEach(f -> f.complete(null));
            else if (!flushes.isEmpty()) flushRequests.addAll(flushes);
            if (closing && queue.isEmpty() && batch.isEmpty()) {
                List<CompletableFuture<Void>> rest = new ArrayList<>();
                flushRequests.drainTo(rest);
                rest.forEach(f -> f.complete(null));
                return;
            }
            long waitNanos = batch.isEmpty() ? flushIntervalNanos : Math.max(0, flushIntervalNanos - (System.nanoTime() - oldestAt));
            if (waitNanos > 0 && queue.size() < batchSize && flushRequests.isEmpty() && !closed) {
                synchronized (wake) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(wake, waitNanos);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        closed = true;
                    }
                }
            }
        }
    }

    /** Writes one batch, retrying with backoff; when closing, gives up after a few attempts and says so. */
    private void write(List<LedgerRecord> batch, boolean closing) {
        long backoffMs = 50;
        for (int attempt = 1; ; attempt++) {
            try {
                store.insert(batch);
                written.addAndGet(batch.size());
                batches.incrementAndGet();
                return;
            } catch (SQLException | RuntimeException e) {
                if ((closed || closing) && attempt >= 5) {
                    dropped.addAndGet(batch.size());
                    LOG.error("ledger: could not write {} records to {} while closing, giving up: {}",
                            batch.size(), store.url(), e.getMessage());
                    return;
                }
                LOG.warn("ledger: writing {} records to {} failed (attempt {}), retrying in {} ms: {}",
                        batch.size(), store.url(), attempt, backoffMs, e.getMessage());
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                backoffMs = Math.min(2_000, backoffMs * 2);
            }
        }
    }
}
