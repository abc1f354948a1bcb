package dev.tokenwise.gateway.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.file.Path;

/**
 * The cache components built from the {@code cache} config section: the exact store (in-process,
 * plus Redis when configured) and the semantic cache (only when some route enables it, because it
 * loads an embedding model). Close it with the gateway.
 */
public final class ResponseCache implements AutoCloseable {
    private final CacheConfig config;
    private final ResponseStore exact;
    private final SemanticCache semantic;

    public ResponseCache(CacheConfig config, ResponseStore exact, SemanticCache semantic) {
        this.config = config;
        this.exact = exact;
        this.semantic = semantic;
    }

    /** Builds the stores the config asks for; {@code ticker} drives in-process TTLs. */
    public static ResponseCache from(CacheConfig config, Path dataDir, Ticker ticker) {
        ResponseStore local = new LocalStore(config.maxEntries(), config.maxBytes(), ticker);
        ResponseStore exact = config.redisUrl() == null ? local : new TieredStore(local, new RedisStore(config.redisUrl()));
        SemanticCache semantic = null;
        if (config.semanticAnywhere()) {
            Path dir = config.semanticDir() == null ? null : dataDir.resolve(config.semanticDir());
            semantic = SemanticCache.open(config.model(), dir, config.semanticMaxEntries());
        }
        return new ResponseCache(config, exact, semantic);
    }

    public CacheConfig config() { return config; }

    public ResponseStore exact() { return exact; }

    /** The semantic cache, or null when no route enables it. */
    public SemanticCache semantic() { return semantic; }

    @Override
    public void close() {
        exact.close();
        if (semantic != null) semantic.close();
    }
}
