package dev.tokenwise.gateway.ledger;

/**
 * Where request records go. Appending must be cheap and never block the request path; records are
 * written in batches in the background, and {@link #close()} drains every queued record.
 */
public interface Ledger extends AutoCloseable {
    void append(LedgerRecord record);

    /** Writes everything queued so far and waits for it (used by tests and reports). */
    void flush();

    /** Drains the queue, then releases the store. Records appended after close are rejected. */
    @Override
    void close();

    /** A ledger that keeps nothing, for tools that run the pipeline without accounting. */
    Ledger NOOP = new Ledger() {
        @Override public void append(LedgerRecord record) {}
        @Override public void flush() {}
        @Override public void close() {}
    };
}
