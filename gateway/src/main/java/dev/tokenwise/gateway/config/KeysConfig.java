package dev.tokenwise.gateway.config;

import java.util.List;

/**
 * Virtual API keys and their budgets ({@code keys:} in tokenwise.yaml).
 *
 * @param url the key store: {@code jdbc:postgresql://...} for several replicas, or
 *     {@code jdbc:sqlite:/path/keys.db}; default a SQLite file {@code keys.db} under {@code server.data_dir}.
 *     Budget counters live here too unless {@code redis_url} is set.
 * @param redisUrl budget counters in Redis ({@code redis://host:port}) instead of the key store
 * @param defaultMaxTokens the output cap reserved for (and applied to) a budgeted request that sets
 *     no {@code max_tokens}; without a cap the worst case would be unbounded
 * @param estimateMargin extra fraction reserved on counted prompt tokens when the count is an
 *     estimate (non-OpenAI tokenizers), e.g. 0.3 reserves 130%
 * @param authCacheMs how long a gateway trusts a key it has already authenticated before reading
 *     it from the store again (0 reads on every request); a key revoked by another process stops
 *     working on this gateway within this time, one revoked through this gateway at once
 */
public record KeysConfig(String url, String redisUrl, Integer defaultMaxTokens, Double estimateMargin, Integer authCacheMs) {
    public static final int DEFAULT_MAX_TOKENS = 4096;
    public static final double DEFAULT_ESTIMATE_MARGIN = 0.3;
    public static final int DEFAULT_AUTH_CACHE_MS = 5_000;
    public static final int MAX_AUTH_CACHE_MS = 60_000;

    public KeysConfig {
        if (defaultMaxTokens == null) defaultMaxTokens = DEFAULT_MAX_TOKENS;
        if (estimateMargin == null) estimateMargin = DEFAULT_ESTIMATE_MARGIN;
        if (authCacheMs == null) authCacheMs = DEFAULT_AUTH_CACHE_MS;
    }

    public static KeysConfig defaults() {
        return new KeysConfig(null, null, null, null, null);
    }

    public KeysConfig withUrl(String u) {
        return new KeysConfig(u, redisUrl, defaultMaxTokens, estimateMargin, authCacheMs);
    }

    public KeysConfig withRedisUrl(String r) {
        return new KeysConfig(url, r, defaultMaxTokens, estimateMargin, authCacheMs);
    }

    public KeysConfig withAuthCacheMs(int ms) {
        return new KeysConfig(url, redisUrl, defaultMaxTokens, estimateMargin, ms);
    }

    /** The JDBC URL of the key store for a data directory. */
    public String jdbcUrl(String dataDir) {
        return url != null ? url : "jdbc:sqlite:" + java.nio.file.Path.of(dataDir).resolve("keys.db");
    }

    /** Adds one message per bad value to {@code errors}. */
    public void validate(List<String> errors) {
        if (url != null && !(url.startsWith("jdbc:sqlite:") || url.startsWith("jdbc:postgresql://"))) {
            errors.add("keys.url: '" + url + "' must start with jdbc:postgresql:// or jdbc:sqlite:");
        }
        if (redisUrl != null && !(redisUrl.startsWith("redis://") || redisUrl.startsWith("rediss://"))) {
            errors.add("keys.redis_url: '" + redisUrl + "' must start with redis:// or rediss://");
        }
        if (defaultMaxTokens < 1) errors.add("keys.default_max_tokens: must be at least 1, was " + defaultMaxTokens);
        if (estimateMargin < 0 || estimateMargin > 10) {
            errors.add("keys.estimate_margin: must be in 0..10, was " + estimateMargin);
        }
        if (authCacheMs < 0 || authCacheMs > MAX_AUTH_CACHE_MS) {
            errors.add("keys.auth_cache_ms: must be 0.." + MAX_AUTH_CACHE_MS + ", was " + authCacheMs);
        }
    }
}
