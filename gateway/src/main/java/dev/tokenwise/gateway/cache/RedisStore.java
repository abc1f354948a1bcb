package dev.tokenwise.gateway.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The shared store: answers in Redis with a TTL, so every gateway replica sees every other's
 * entries and they survive a gateway restart. Redis failures are logged and count as misses.
 */
final class RedisStore implements ResponseStore {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);
    static final String PREFIX = "tokenwise:cache:v1:";

    private final JedisPooled redis;

    RedisStore(String url) {
        this.redis = new JedisPooled(java.net.URI.create(url));
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.ofNullable(redis.get((PREFIX + key).getBytes(StandardCharsets.UTF_8)));
        } catch (JedisException e) {
            LOG.warn("redis cache read failed, treating as a miss: {}", e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void put(String key, byte[] value, Duration ttl) {
        try {
            redis.setex((PREFIX + key).getBytes(StandardCharsets.UTF_8), Math.max(1, ttl.toSeconds()), value);
        } catch (JedisException e) {
            LOG.warn("redis cache write failed, answer not shared: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
