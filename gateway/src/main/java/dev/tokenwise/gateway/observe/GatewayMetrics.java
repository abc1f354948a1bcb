package dev.tokenwise.gateway.observe;

/**
 * Counters and histograms about the gateway's traffic, scraped by Prometheus at {@code /metrics}.
 * {@link #NOOP} when {@code observability.metrics} is false.
 */
public interface GatewayMetrics {
    /** Records one finished (or failed) request. Must be cheap and never throw. */
    void record(RequestObservation request);

    /** The Prometheus text exposition of every metric. */
    String scrape();

    /** The content type of {@link #scrape()}. */
    default String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    boolean enabled();

    /** Keeps nothing; {@code /metrics} answers 404 with it. */
    GatewayMetrics NOOP = new GatewayMetrics() {
        @Override public void record(RequestObservation request) {}
        @Override public String scrape() { return ""; }
        @Override public boolean enabled() { return false; }
    };

    static GatewayMetrics prometheus() {
        return new PrometheusMetrics();
    }
}
