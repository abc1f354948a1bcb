package dev.tokenwise.gateway.resilience;

import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.gateway.config.ResilienceConfig;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a failing upstream from becoming the client's problem. Retryable failures (429, 5xx,
 * connection failures) are retried with full-jitter exponential backoff, waiting at least what Retry-After
 * asked; then the model's fallback chain is tried in order (a timeout goes straight to the
 * fallback: it has already cost the whole timeout once); a model whose circuit is open is
 * skipped without a call. A stream is only retried or re-routed while nothing has reached the
 * client: after the first byte a failure must surface as an SSE error event instead.
 *
 * <p>Sits directly before the provider call, so it retries the upstream call only — never the
 * cache lookup, budget or accounting around it. Retries and fallbacks are recorded on the reply
 * ({@code retry}, {@code fallback}) so the ledger and metrics show them.
 */
public final class ResilienceStage implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(ResilienceStage.class);
    public static final String RETRY = "retry";
    public static final String FALLBACK = "fallback";

    private final ResilienceConfig config;
    private final CircuitBreaker breaker;
    private final Sleeper sleeper;
    private final RandomGenerator random;

    public ResilienceStage(ResilienceConfig config, CircuitBreaker breaker, Sleeper sleeper, RandomGenerator random) {
        this.config = config;
        this.breaker = breaker;
        this.sleeper = sleeper;
        this.random = random;
    }

    public CircuitBreaker breaker() { return breaker; }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        String first = ex.request().model();
        List<String> chain = new ArrayList<>();
        chain.add(first);
        chain.addAll(config.fallbacks().getOrDefault(first, List.of()));
        GatewayException last = null;
        int retries = 0;
        for (String model : chain) {
            if (!breaker.allow(model)) {
                last = GatewayException.builder(503, "The upstream for model `" + model
                        + "` is failing; its circuit is open.").type("upstream_error").code("circuit_open").retryable(true).build();
                continue;
            }
            Exchange attempt = model.equals(first) ? ex : ex.withRequest(ex.request().withModel(model));
            for (int i = 0; ; i++) {
                try {
                    Reply r = next.proceed(attempt);
                    breaker.onSuccess(model);
                    if (!model.equals(first)) r = r.withApplied(new Applied(FALLBACK, first + " -> " + model));
                    if (retries > 0) r = r.withApplied(new Applied(RETRY, retries + " retr" + (retries == 1 ? "y" : "ies")));
                    return r;
                } catch (GatewayException e) {
                    if (!e.retryable() || e.status() < 429) {
                        throw e; // the client's mistake (or ours): another attempt would fail the same way
                    }
                    breaker.onFailure(model);
                    last = e;
                    if (ex.sink().started() || ex.sink().cancelled()) throw e;
                    // a timeout has already cost the whole timeout: move on to the fallback instead of waiting again
                    if (e.status() == 504 || i >= config.maxRetries() || !breaker.allow(model)) break;
                    retries++;
                    long delay = delay(i, e.retryAfterMillis());
                    LOG.debug("retrying {} after {} ms ({})", model, delay, e.getMessage());
                    try {
                        sleeper.sleep(delay);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }
        throw last;
    }

    /** Full jitter: uniform in [0, min(cap, base·2^attempt)], but never less than Retry-After. */
    long delay(int attempt, long retryAfterMillis) {
        long exp = Math.min(config.maxBackoffMs(), (long) config.backoffMs() << Math.min(attempt, 20));
        long jittered = exp <= 0 ? 0 : random.nextLong(exp + 1);
        if (retryAfterMillis > 0) return Math.min(config.maxBackoffMs(), Math.max(jittered, retryAfterMillis));
        return jittered;
    }
}
