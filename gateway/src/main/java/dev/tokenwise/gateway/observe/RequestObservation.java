package dev.tokenwise.gateway.observe;

import dev.tokenwise.gateway.pipeline.UpstreamCall;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * One finished request as metrics and the request log see it: who sent it, what it asked for,
 * what served it, what it cost and what it would have cost unoptimised. Never holds an API key
 * or prompt text.
 *
 * @param id request id (the {@code x-request-id} header)
 * @param time when the request arrived
 * @param keyId virtual key id (never the key itself)
 * @param tenant the key's tenant
 * @param feature the {@code x-tokenwise-feature} tag
 * @param requestedModel the model the client asked for
 * @param servedModel the model that answered, or null on failure
 * @param provider provider of the served model, "cache" on a hit, null on failure
 * @param stream whether the client asked for a stream
 * @param status HTTP status sent to the client
 * @param errorType OpenAI error type on failure, else null
 * @param errorCode OpenAI error code on failure, else null
 * @param inputTokens prompt tokens summed over upstream calls
 * @param cachedTokens prompt tokens read from the provider's prompt cache
 * @param outputTokens completion tokens summed over upstream calls
 * @param costUsd what the upstream calls cost
 * @param baselineUsd what the request would have cost on the requested model, full prompt, no cache
 * @param strategies strategies applied, in pipeline order
 * @param cacheStatus miss, hit-exact, hit-semantic or bypass
 * @param latencyNanos time from arrival to the end of the answer
 * @param ttftNanos time from arrival to the first streamed chunk, -1 when not streamed
 * @param calls the upstream calls made
 */
public record RequestObservation(String id, Instant time, String keyId, String tenant, String feature,
                                 String requestedModel, String servedModel, String provider, boolean stream,
                                 int status, String errorType, String errorCode,
                                 long inputTokens, long cachedTokens, long outputTokens,
                                 BigDecimal costUsd, BigDecimal baselineUsd, List<String> strategies,
                                 String cacheStatus, long latencyNanos, long ttftNanos, List<UpstreamCall> calls) {
    public RequestObservation {
        strategies = List.copyOf(strategies);
        calls = List.copyOf(calls);
    }

    public BigDecimal savedUsd() {
        return baselineUsd.subtract(costUsd);
    }

    public boolean failed() {
        return status >= 400;
    }

    /** The strategies as one label, as the ledger writes them: "routing,trim", or "none". */
    public String strategyLabel() {
        return strategies.isEmpty() ? "none" : String.join(",", strategies);
    }
}
