package dev.tokenwise.gateway.keys;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.JedisPooled;

/**
 * Budget counters in Redis, shared by every replica. Reserve and settle are Lua scripts, which
 * Redis runs one at a time, so the check and the increment of a reservation are one atomic step.
 * Amounts travel as decimal strings and are added with HINCRBY (exact 64-bit integers); the Lua
 * comparison uses doubles, exact up to 2^53 nano-dollars (about 9 million USD per key and period).
 */
final class RedisBudgetLedger implements BudgetLedger, AutoCloseable {
    private static final String RESERVE = """
            local spent = tonumber(redis.call('HGET', KEYS[1], 'spent') or '0')
            local reserved = tonumber(redis.call('HGET', KEYS[1], 'reserved') or '0')
            if spent + reserved + tonumber(ARGV[1]) > tonumber(ARGV[2]) then return 0 end
            redis.call('HINCRBY', KEYS[1], 'reserved', ARGV[1])
            redis.call('EXPIRE', KEYS[1], ARGV[3])
            return 1
            """;
    private static final String SETTLE = """
            redis.call('HINCRBY', KEYS[1], 'reserved', ARGV[1])
            redis.call('HINCRBY', KEYS[1], 'spent', ARGV[2])
            redis.call('EXPIRE', KEYS[1], ARGV[3])
            return 1
            """;
    /** Counters outlive their period (a month plus margin) so reports can still read them. */
    private static final String TTL_SECONDS = Long.toString(70L * 24 * 3600);

    private static final int CONNECTIONS = 16;

    private final JedisPooled redis;
    /**
     * Admits at most as many callers as the pool has connections. Without it, virtual threads
     * waiting for a connection spin inside commons-pool2's object creation and can starve the
     * carrier threads, so the replies the other callers wait for are never read (seen under load
     * with 200 concurrent requests on 2 cores).
     */
    private final Semaphore permits = new Semaphore(CONNECTIONS, true);

    RedisBudgetLedger(String url) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(CONNECTIONS);
        pool.setMaxIdle(CONNECTIONS);
        pool.setBlockWhenExhausted(true);
        this.redis = new JedisPooled(pool, java.net.URI.create(url));
    }

    private <T> T call(Supplier<T> op) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a Redis connection", e);
        }
        try {
            return op.get();
        } finally {
            permits.release();
        }
    }

    private static String key(String keyId, String period) {
        return "tokenwise:budget:" + keyId + ":" + period;
    }

    @Override
    public boolean reserve(String keyId, String period, long limitNanos, long amountNanos) {
        Object r = call(() -> redis.eval(RESERVE, List.of(key(keyId, period)),
                List.of(Long.toString(amountNanos), Long.toString(limitNanos), TTL_SECONDS)));
        return r instanceof Long l && l == 1L;
    }

    @Override
    public void settle(String keyId, String period, long reservedNanos, long actualNanos) {
        call(() -> redis.eval(SETTLE, List.of(key(keyId, period)),
                List.of(Long.toString(-reservedNanos), Long.toString(actualNanos), TTL_SECONDS)));
    }

    @Override
    public Balance balance(String keyId, String period) {
        Map<String, String> h = call(() -> redis.hgetAll(key(keyId, period)));
        return new Balance(Long.parseLong(h.getOrDefault("spent", "0")), Long.parseLong(h.getOrDefault("reserved", "0")));
    }

    @Override
    public void close() {
        redis.close();
    }
}
