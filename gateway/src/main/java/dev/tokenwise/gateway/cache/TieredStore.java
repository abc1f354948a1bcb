package dev.tokenwise.gateway.cache;

import java.time.Duration;
import java.util.Optional;

/**
 * The in-process store in front of the shared one: reads try local first, then shared; writes go
 * to both with the route's TTL. A shared hit is not copied locally, because its remaining TTL is
 * unknown here and a local copy could outlive it.
 */
final class TieredStore implements ResponseStore {
    private final ResponseStore local;
    private final ResponseStore shared;

    TieredStore(ResponseStore local, ResponseStore shared) {
        this.local = local;
        this.shared = shared;
    }

    @Override
    public Optional<byte[]> get(String key) {
        Optional<byte[]> v = local.get(key);
        return v.isPresent() ? v : shared.get(key);
    }

    @Override
    public void put(String key, byte[] value, Duration ttl) {
        local.put(key, value, ttl);
        shared.put(key, value, ttl);
    }

    @Override
    public void close() {
        local.close();
        shared.close();
    }
}
