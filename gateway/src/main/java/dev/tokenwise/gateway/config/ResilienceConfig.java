package dev.tokenwise.gateway.config;

import java.util.List;
import java.util.Map;

/**
 * How the gateway survives a failing upstream: retries with jittered exponential backoff
 * (honouring Retry-After), a fallback chain per model, and a circuit breaker per model.
 *
 * @param maxRetries retries of the same model after the first attempt (0 disables retrying)
 * @param backoffMs base delay of the exponential backoff
 * @param maxBackoffMs cap on one delay, including a Retry-After the upstream asked for
 * @param fallbacks model name to the models tried, in order, once it has failed for good
 * @param breakerFailures consecutive failures that open a model's circuit
 * @param breakerOpenMs how long an open circuit fails fast before one trial request is let through
 */
public record ResilienceConfig(Integer maxRetries, Integer backoffMs, Integer maxBackoffMs,
                               Map<String, List<String>> fallbacks, Integer breakerFailures, Integer breakerOpenMs) {
    public ResilienceConfig {
        if (maxRetries == null) maxRetries = 2;
        if (backoffMs == null) backoffMs = 100;
        if (maxBackoffMs == null) maxBackoffMs = 5_000;
        fallbacks = fallbacks == null ? Map.of() : Map.copyOf(fallbacks);
        if (breakerFailures == null) breakerFailures = 5;
        if (breakerOpenMs == null) breakerOpenMs = 30_000;
    }

    public static ResilienceConfig defaults() {
        return new ResilienceConfig(null, null, null, null, null, null);
    }

    /** No retries and a circuit that never opens: for a server that must pass every failure through. */
    public static ResilienceConfig off() {
        return new ResilienceConfig(0, 0, 0, null, Integer.MAX_VALUE, 0);
    }
}
