package dev.tokenwise.gateway.pipeline;

import dev.tokenwise.core.wire.Usage;

/**
 * One call made to a provider while answering a request. A cascade makes two, a cache hit none;
 * accounting prices every call, so a request's cost is the sum over its calls.
 *
 * @param model the model name as configured on the gateway (what prices are looked up by)
 * @param provider the provider name ("openai", "anthropic", "mock", ...)
 * @param usage tokens used, provider-reported when available
 * @param latencyNanos wall time of the call
 * @param discount fraction of the price waived by the provider, e.g. 0.5 for batch APIs
 */
public record UpstreamCall(String model, String provider, Usage usage, long latencyNanos, double discount) {
    public UpstreamCall {
        if (discount < 0 || discount >= 1) throw new IllegalArgumentException("discount must be in [0,1), was " + discount);
    }

    public UpstreamCall(String model, String provider, Usage usage, long latencyNanos) {
        this(model, provider, usage, latencyNanos, 0);
    }
}
