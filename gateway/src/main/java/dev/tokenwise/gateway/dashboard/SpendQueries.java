package dev.tokenwise.gateway.dashboard;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The ledger reads the dashboard needs: totals, groups, a time series and the latest requests,
 * each over a time range and optionally one tenant. Implemented over the ledger's
 * {@code requests} table.
 */
public interface SpendQueries {
    /** Dimensions {@link #breakdown} groups by, mapped to ledger columns. */
    Set<String> DIMENSIONS = Set.of("model", "served_model", "provider", "feature", "key", "tenant", "strategy", "cache_status");

    Totals totals(Filter filter);

    List<Point> timeseries(Filter filter, Duration bucket);

    /** Groups ordered by cost, highest first. */
    List<Group> breakdown(Filter filter, String dimension, int limit);

    /** Newest first. */
    List<Row> recent(Filter filter, int limit);

    /**
     * @param from inclusive, null for unbounded
     * @param to exclusive, null for unbounded
     * @param tenant only this tenant, or null for all
     */
    record Filter(Instant from, Instant to, String tenant) {}

    record Totals(long requests, long errors, long inputTokens, long cachedTokens, long outputTokens,
                  BigDecimal costUsd, BigDecimal baselineUsd, BigDecimal savedUsd, long cacheHits,
                  double meanLatencyMs) {}

    record Point(Instant start, long requests, BigDecimal costUsd, BigDecimal baselineUsd, BigDecimal savedUsd) {}

    record Group(String key, long requests, long inputTokens, long outputTokens, BigDecimal costUsd,
                 BigDecimal baselineUsd, BigDecimal savedUsd) {}

    record Row(String id, Instant time, String keyId, String tenant, String feature, String requestedModel,
               String servedModel, String provider, long inputTokens, long cachedTokens, long outputTokens,
               BigDecimal costUsd, BigDecimal baselineUsd, BigDecimal savedUsd, String strategy,
               String cacheStatus, double latencyMs, double ttftMs, int status, String errorCode) {}

    /** No ledger: everything is empty. */
    SpendQueries NONE = new SpendQueries() {
        @Override public Totals totals(Filter f) {
            return new Totals(0, 0, 0, 0, 0, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, 0, 0);
        }
        @Override public List<Point> timeseries(Filter f, Duration b) { return List.of(); }
        @Override public List<Group> breakdown(Filter f, String d, int l) { return List.of(); }
        @Override public List<Row> recent(Filter f, int l) { return List.of(); }
    };
}
