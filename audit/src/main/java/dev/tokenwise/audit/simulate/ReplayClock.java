package dev.tokenwise.audit.simulate;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Instant;
import java.time.InstantSource;

/**
 * The replay's clock: the logged time of the request being replayed, so cache TTLs expire as
 * they would have in production. One per replay (a replay runs on one thread).
 */
final class ReplayClock implements InstantSource, Ticker {
    private long millis;

    void set(long epochMillis) {
        millis = epochMillis;
    }

    @Override
    public Instant instant() { return Instant.ofEpochMilli(millis); }

    @Override
    public long millis() { return millis; }

    @Override
    public long read() { return millis * 1_000_000L; }
}
