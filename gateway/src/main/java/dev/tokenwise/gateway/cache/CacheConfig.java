package dev.tokenwise.gateway.cache;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code cache} section of {@code tokenwise.yaml}. Both caches are off unless enabled; a route
 * (the request's {@code x-tokenwise-feature} tag) may override the defaults.
 *
 * <pre>
 * cache:
 *   exact: true
 *   semantic: true
 *   ttl_seconds: 3600
 *   max_entries: 100000        # in-process bound on entries...
 *   max_bytes: 268435456       # ...and on their total size
 *   max_temperature: 1.0       # requests above this are not cached (absent = 1.0, OpenAI's default)
 *   cache_tool_requests: false # requests that offer tools are not cached unless declared side-effect free
 *   redis_url: redis://127.0.0.1:6379   # shared store: replicas share hits, entries survive restarts
 *   semantic_threshold: null   # verifier score needed for a semantic hit (null = the bundled model's default)
 *   semantic_max_entries: 1000000
 *   semantic_dir: null         # directory for the semantic index (null = in memory)
 *   semantic_model: minilm-l6-q   # sentence-embedding model of the semantic cache (see SemanticModel)
 *   routes:
 *     faq: {ttl_seconds: 86400, semantic_threshold: 0.9}
 *     checkout: {exact: false, semantic: false}
 * </pre>
 */
public record CacheConfig(Boolean exact, Boolean semantic, Integer ttlSeconds, Long maxEntries, Long maxBytes,
                          Double maxTemperature, Boolean cacheToolRequests, String redisUrl, Double semanticThreshold,
                          Long semanticMaxEntries, String semanticDir, Map<String, Route> routes, String semanticModel) {
    public CacheConfig {
        if (exact == null) exact = false;
        if (semantic == null) semantic = false;
        if (ttlSeconds == null) ttlSeconds = 3600;
        if (maxEntries == null) maxEntries = 100_000L;
        if (maxBytes == null) maxBytes = 256L * 1024 * 1024;
        if (maxTemperature == null) maxTemperature = 1.0;
        if (cacheToolRequests == null) cacheToolRequests = false;
        if (semanticMaxEntries == null) semanticMaxEntries = 1_000_000L;
        if (semanticModel == null) semanticModel = SemanticModel.DEFAULT.id();
        routes = routes == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(routes));
    }

    public static CacheConfig disabled() {
        return new CacheConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Exact cache only, in process (handy for tests and the quick start). */
    public static CacheConfig exactOnly() {
        return new CacheConfig(true, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The configured embedding model; only call on a validated config. */
    public SemanticModel model() {
        return SemanticModel.byId(semanticModel).orElseThrow(() -> new IllegalStateException("unvalidated cache.semantic_model " + semanticModel));
    }

    public boolean anyEnabled() {
        return exact || semantic || routes.values().stream().anyMatch(r -> Boolean.TRUE.equals(r.exact()) || Boolean.TRUE.equals(r.semantic()));
    }

    public boolean semanticAnywhere() {
        return semantic || routes.values().stream().anyMatch(r -> Boolean.TRUE.equals(r.semantic()));
    }

    /** The effective settings for one route (feature tag). */
    public Settings settings(String route) {
        Route r = routes.getOrDefault(route, Route.NONE);
        return new Settings(
                r.exact() != null ? r.exact() : exact,
                r.semantic() != null ? r.semantic() : semantic,
                r.ttlSeconds() != null ? r.ttlSeconds() : ttlSeconds,
                r.maxTemperature() != null ? r.maxTemperature() : maxTemperature,
                r.cacheToolRequests() != null ? r.cacheToolRequests() : cacheToolRequests,
                r.semanticThreshold() != null ? r.semanticThreshold() : semanticThreshold);
    }

    /** Checks every value; adds one message per problem, naming the key. */
    public void validate(List<String> errors) {
        check(errors, "cache", ttlSeconds, maxTemperature, semanticThreshold);
        if (maxEntries < 1) errors.add("cache.max_entries: must be at least 1, was " + maxEntries);
        if (maxBytes < 1024) errors.add("cache.max_bytes: must be at least 1024, was " + maxBytes);
        if (semanticMaxEntries < 1) errors.add("cache.semantic_max_entries: must be at least 1, was " + semanticMaxEntries);
        if (redisUrl != null && !(redisUrl.startsWith("redis://") || redisUrl.startsWith("rediss://"))) {
            errors.add("cache.redis_url: '" + redisUrl + "' is not a redis:// or rediss:// URL");
        } else if (redisUrl != null) {
            try {
                java.net.URI u = new java.net.URI(redisUrl);
                if (u.getHost() == null) errors.add("cache.redis_url: '" + redisUrl + "' has no host");
            } catch (java.net.URISyntaxException e) {
                errors.add("cache.redis_url: '" + redisUrl + "' is malformed: " + e.getReason());
            }
        }
        if (semanticDir != null && semanticDir.isBlank()) errors.add("cache.semantic_dir: must not be empty");
        SemanticModel.byId(semanticModel).ifPresentOrElse(m -> {
            if (!m.inBuild()) {
                errors.add("cache.semantic_model: '" + semanticModel + "' is not in this build (build with the Maven profile embedding-models)");
            }
        }, () -> errors.add("cache.semantic_model: '" + semanticModel + "' is not one of " + SemanticModel.ids()));
        routes.forEach((name, r) -> {
            if (r == null) {
                errors.add("cache.routes." + name + ": must be a mapping");
                return;
            }
            check(errors, "cache.routes." + name, r.ttlSeconds(), r.maxTemperature(), r.semanticThreshold());
        });
    }

    private static void check(List<String> errors, String prefix, Integer ttl, Double maxTemp, Double threshold) {
        if (ttl != null && ttl < 1) errors.add(prefix + ".ttl_seconds: must be at least 1, was " + ttl);
        if (maxTemp != null && (maxTemp < 0 || maxTemp > 2)) {
            errors.add(prefix + ".max_temperature: must be between 0 and 2, was " + maxTemp);
        }
        if (threshold != null && (threshold <= 0 || threshold > 1)) {
            errors.add(prefix + ".semantic_threshold: must be in (0, 1], was " + threshold);
        }
    }

    /** Per-route overrides; null fields inherit the section's value. */
    public record Route(Boolean exact, Boolean semantic, Integer ttlSeconds, Double maxTemperature,
                        Boolean cacheToolRequests, Double semanticThreshold) {
        static final Route NONE = new Route(null, null, null, null, null, null);
    }

    /** The effective cache settings of one route. {@code semanticThreshold} null = model default. */
    public record Settings(boolean exact, boolean semantic, int ttlSeconds, double maxTemperature,
                           boolean cacheToolRequests, Double semanticThreshold) {}
}
