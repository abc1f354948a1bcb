package dev.tokenwise.gateway.observe;

import dev.tokenwise.gateway.pipeline.UpstreamCall;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** {@link GatewayMetrics} on a Micrometer Prometheus registry; names are listed in docs/dashboard.md. */
final class PrometheusMetrics implements GatewayMetrics {
    /** Bucket bounds for latency histograms: LLM calls take from milliseconds (cache) to minutes. */
    private static final Duration[] BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    PrometheusMetrics() {
        registry.config().commonTags("service", "tokenwise");
    }

    @Override
    public void record(RequestObservation r) {
        String requested = nz(r.requestedModel());
        String served = r.servedModel() == null ? "none" : r.servedModel();
        counter("tokenwise.requests", "Requests answered, by requested model, served model and HTTP status",
                "model", requested, "served_model", served, "status", Integer.toString(r.status()),
                "stream", Boolean.toString(r.stream())).increment();
        Timer.builder("tokenwise.request.latency").description("Whole-request latency as the client saw it")
                .tags("stream", Boolean.toString(r.stream()), "outcome", r.failed() ? "error" : "ok")
                .serviceLevelObjectives(BUCKETS).register(registry)
                .record(r.latencyNanos(), TimeUnit.NANOSECONDS);
        if (r.failed()) {
            counter("tokenwise.errors", "Failed requests by OpenAI error type and code",
                    "type", nz(r.errorType()), "code", nz(r.errorCode())).increment();
            if (r.status() == 429 && r.errorCode() != null && r.errorCode().contains("budget")) {
                counter("tokenwise.budget.rejections", "Requests refused because a budget was spent",
                        "tenant", nz(r.tenant())).increment();
            }
            return;
        }
        counter("tokenwise.tokens", "Tokens billed by upstream providers", "kind", "input", "model", served)
                .increment(r.inputTokens() - r.cachedTokens());
        counter("tokenwise.tokens", "Tokens billed by upstream providers", "kind", "cached", "model", served)
                .increment(r.cachedTokens());
        counter("tokenwise.tokens", "Tokens billed by upstream providers", "kind", "output", "model", served)
                .increment(r.outputTokens());
        counter("tokenwise.cost.usd", "What upstream calls cost, in USD", "model", served)
                .increment(r.costUsd().doubleValue());
        counter("tokenwise.baseline.usd", "What requests would have cost unoptimised, in USD", "model", requested)
                .increment(r.baselineUsd().doubleValue());
        counter("tokenwise.saved.usd", "Baseline minus cost, in USD, by the strategies applied together",
                "strategy", r.strategyLabel()).increment(r.savedUsd().doubleValue());
        switch (r.cacheStatus()) {
            case "hit-exact" -> counter("tokenwise.cache.hits", "Answers served from the gateway cache", "kind", "exact").increment();
            case "hit-semantic" -> counter("tokenwise.cache.hits", "Answers served from the gateway cache", "kind", "semantic").increment();
            case "miss" -> counter("tokenwise.cache.misses", "Requests the gateway cache could not answer").increment();
            default -> counter("tokenwise.cache.bypass", "Requests that skipped the gateway cache").increment();
        }
        counter("tokenwise.routing.decisions", "Requested model to the model that served it",
                "requested", requested, "served", served).increment();
        for (UpstreamCall c : r.calls()) {
            Timer.builder("tokenwise.upstream.latency").description("Latency of each upstream call")
                    .tags("model", nz(c.model()), "provider", nz(c.provider()))
                    .serviceLevelObjectives(BUCKETS).register(registry)
                    .record(c.latencyNanos(), TimeUnit.NANOSECONDS);
        }
        if (r.ttftNanos() >= 0) {
            Timer.builder("tokenwise.ttft").description("Time to the first streamed chunk")
                    .tags("model", served).serviceLevelObjectives(BUCKETS).register(registry)
                    .record(r.ttftNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private Counter counter(String name, String help, String... tags) {
        return Counter.builder(name).description(help).tags(tags).register(registry);
    }

    private static String nz(String s) {
        return s == null || s.isEmpty() ? "none" : s;
    }

    @Override
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public boolean enabled() {
        return true;
    }
}
