package dev.tokenwise.gateway.observe;

import dev.tokenwise.gateway.pipeline.UpstreamCall;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** {@link GatewayMetrics} on a Micrometer Prometheus registry; names are listed in docs/dashboard.md. */
final class PrometheusMetrics implements GatewayMetrics {
    /** Bucket bounds for latency histograms: LLM calls take from milliseconds (cache) to minutes. */
    private static final Duration[] BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /**
     * The meters already registered, by name and tag values: a request updates about a dozen, and
     * building and registering each one again (ids, sorted tags, the registry's filters) cost more
     * than the update itself. As many entries as the registry has meters.
     */
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();

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
        timer("tokenwise.request.latency", "Whole-request latency as the client saw it",
                "stream", Boolean.toString(r.stream()), "outcome", r.failed() ? "error" : "ok")
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
            timer("tokenwise.upstream.latency", "Latency of each upstream call", "model", nz(c.model()), "provider", nz(c.provider()))
                    .record(c.latencyNanos(), TimeUnit.NANOSECONDS);
        }
        if (r.ttftNanos() >= 0) {
            timer("tokenwise.ttft", "Time to the first streamed chunk", "model", served)
                    .record(r.ttftNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private Counter counter(String name, String help, String... tags) {
        List<String> id = id(name, tags);
        Counter c = counters.get(id);
        return c != null ? c : counters.computeIfAbsent(id, k -> Counter.builder(name).description(help).tags(tags).register(registry));
    }

    /** A latency histogram with the {@link #BUCKETS}. */
    private Timer timer(String name, String help, String... tags) {
        List<String> id = id(name, tags);
        Timer t = timers.get(id);
        return t != null ? t : timers.computeIfAbsent(id, k -> Timer.builder(name).description(help).tags(tags)
                .serviceLevelObjectives(BUCKETS).register(registry));
    }

    private static List<String> id(String name, String... tags) {
        String[] id = Arrays.copyOf(tags, tags.length + 1);
        id[tags.length] = name;
        return Arrays.asList(id);
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
