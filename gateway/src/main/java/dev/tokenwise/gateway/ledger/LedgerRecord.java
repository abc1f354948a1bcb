package dev.tokenwise.gateway.ledger;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One request as the ledger remembers it: what it cost, what it would have cost unoptimised, and
 * why the two differ. Stored as one row of the {@code requests} table (see {@code schema.sql}).
 *
 * @param id request id (also the {@code x-request-id} response header)
 * @param time when the request arrived
 * @param keyId virtual key id ("anonymous" without keys)
 * @param tenant the key's tenant
 * @param feature the {@code x-tokenwise-feature} tag ("untagged" when absent)
 * @param requestedModel the model the client asked for
 * @param servedModel the model that answered (after routing; the cached answer's model on a hit)
 * @param provider provider of the served model, or "cache"
 * @param inputTokens prompt tokens billed, summed over upstream calls
 * @param cachedTokens prompt tokens read from the provider's prompt cache
 * @param outputTokens completion tokens, summed over upstream calls
 * @param costUsd what the request actually cost (all upstream calls)
 * @param baselineUsd the requested model, the full original prompt, no cache
 * @param savedUsd baseline minus cost
 * @param strategy the strategies applied, comma-separated in pipeline order ("" when none)
 * @param cacheStatus miss, hit-exact, hit-semantic or bypass
 * @param latencyMs total latency
 * @param ttftMs time to first token for streams (-1 when not streamed)
 * @param status HTTP status returned to the client
 * @param errorCode OpenAI-style error code on failure, else null
 */
public record LedgerRecord(String id, Instant time, String keyId, String tenant, String feature,
                           String requestedModel, String servedModel, String provider,
                           long inputTokens, long cachedTokens, long outputTokens,
                           BigDecimal costUsd, BigDecimal baselineUsd, BigDecimal savedUsd,
                           String strategy, String cacheStatus, double latencyMs, double ttftMs,
                           int status, String errorCode) {
}
