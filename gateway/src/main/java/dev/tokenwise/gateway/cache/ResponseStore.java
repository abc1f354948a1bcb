package dev.tokenwise.gateway.cache;

import java.time.Duration;
import java.util.Optional;

/**
 * Where exact-cache answers live, keyed by {@link dev.tokenwise.core.cache.CacheKey}. Values are
 * the answer's JSON bytes. A store never throws for a backend failure: it misses instead, because
 * a cache outage must not fail a request that the provider can still answer.
 */
public interface ResponseStore extends AutoCloseable {
    Optional<byte[]> get(String key);

    void put(String key, byte[] value, Duration ttl);

    @Override
    default void close() {}
}
