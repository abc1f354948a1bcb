package dev.tokenwise.gateway.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Optional;

/**
 * The bounded in-process store (Caffeine): per-entry TTL, bounded both in entries and bytes. Each
 * entry weighs at least {@code maxBytes / maxEntries}, so one weight bound enforces both limits.
 */
final class LocalStore implements ResponseStore {
    private record Entry(byte[] value, long ttlNanos) {}

    private final Cache<String, Entry> cache;

    LocalStore(long maxEntries, long maxBytes, Ticker ticker) {
        long floor = Math.max(1, maxBytes / maxEntries);
        this.cache = Caffeine.newBuilder()
                .ticker(ticker)
                .maximumWeight(maxBytes)
                .weigher((String k, Entry e) -> (int) Math.min(Integer.MAX_VALUE, Math.max(floor, e.value.length + 2L * k.length() + 64)))
                .expireAfter(new Expiry<String, Entry>() {
                    @Override public long expireAfterCreate(String k, Entry e, long now) { return e.ttlNanos; }
                    @Override public long expireAfterUpdate(String k, Entry e, long now, long current) { return e.ttlNanos; }
                    @Override public long expireAfterRead(String k, Entry e, long now, long current) { return current; }
                })
                .executor(Runnable::run)
                .build();
    }

    @Override
    public Optional<byte[]> get(String key) {
        Entry e = cache.getIfPresent(key);
        return e == null ? Optional.empty() : Optional.of(e.value);
    }

    @Override
    public void put(String key, byte[] value, Duration ttl) {
        cache.put(key, new Entry(value, ttl.toNanos()));
    }

    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
