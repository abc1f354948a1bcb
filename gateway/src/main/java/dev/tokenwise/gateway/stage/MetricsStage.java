package dev.tokenwise.gateway.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.observe.GatewayMetrics;
import dev.tokenwise.gateway.observe.RequestLog;
import dev.tokenwise.gateway.observe.RequestObservation;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.ChunkSink;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import dev.tokenwise.gateway.server.ClientGoneException;
import dev.tokenwise.gateway.server.ErrorMapper;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Observes every reply (and every failure) of the stages after it: counts it in the metrics and
 * writes the request-log line. Placed right after authentication, so it sees budget rejections
 * and cache hits too. Costs are priced here from the upstream calls with the price catalog; the
 * baseline is the requested model on the original prompt with no cache.
 */
public final class MetricsStage implements Stage {
    private static final Set<String> PROMPT_CHANGING = Set.of(Applied.CACHE_EXACT, Applied.CACHE_SEMANTIC,
            Applied.ROUTING, Applied.CASCADE, Applied.TRIM, Applied.DEDUP);

    private final GatewayMetrics metrics;
    private final RequestLog log;
    private final PriceCatalog prices;
    private final LongSupplier nanoTime;

    public MetricsStage(GatewayMetrics metrics, RequestLog log, PriceCatalog prices, LongSupplier nanoTime) {
        this.metrics = metrics;
        this.log = log;
        this.prices = prices;
        this.nanoTime = nanoTime;
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        if (!metrics.enabled() && !log.enabled()) return next.proceed(ex);
        AtomicLong firstChunk = new AtomicLong(-1);
        Exchange observed = ex.streaming() ? ex.withSink(new TimingSink(ex.sink(), firstChunk, nanoTime)) : ex;
        Reply reply;
        try {
            reply = next.proceed(observed);
        } catch (RuntimeException e) {
            publish(failure(ex, classify(e), firstChunk.get()), ex.original());
            throw e;
        }
        publish(success(ex, reply, firstChunk.get()), ex.original());
        return reply;
    }

    private void publish(RequestObservation o, ChatRequest original) {
        // Observing must never break a request that otherwise succeeded.
        try {
            metrics.record(o);
            log.write(o, original);
        } catch (RuntimeException ignored) {
            // a broken metric or log appender is reported by its own library
        }
    }

    private RequestObservation success(Exchange ex, Reply reply, long firstChunkNanos) {
        Usage total = Usage.ZERO;
        BigDecimal cost = BigDecimal.ZERO;
        for (UpstreamCall c : reply.calls()) {
            total = total.plus(c.usage());
            cost = cost.add(prices.cost(c.model(), c.usage(), c.discount()));
        }
        BigDecimal baseline = prices.cost(ex.original().model(),
                Usage.counted(baselinePromptTokens(ex.original(), reply), completionTokens(reply)), 0);
        long end = nanoTime.getAsLong();
        return new RequestObservation(ex.id(), ex.receivedAt(), ex.principal().keyId(), ex.principal().tenant(),
                ex.feature(), ex.original().model(), reply.servedModel(), reply.provider(), ex.streaming(), 200,
                null, null, total.promptTokens(), total.cachedTokens(), total.completionTokens(), cost, baseline,
                reply.applied().stream().map(Applied::strategy).toList(), reply.cacheStatus(),
                end - ex.startNanos(), firstChunkNanos < 0 ? -1 : firstChunkNanos - ex.startNanos(), reply.calls());
    }

    /**
     * The baseline's prompt tokens, by the same rule as the ledger's {@link AccountingStage} so
     * metrics and ledger agree: the provider's count when it saw exactly the client's request
     * (one call to the requested model, no prompt- or model-changing strategy), else the original
     * messages counted with the requested model's tokenizer.
     */
    private static long baselinePromptTokens(ChatRequest original, Reply reply) {
        if (reply.calls().size() == 1) {
            UpstreamCall c = reply.calls().getFirst();
            boolean unchanged = reply.applied().stream().noneMatch(a -> PROMPT_CHANGING.contains(a.strategy()))
                    && c.model().equalsIgnoreCase(original.model()) && c.usage().reported();
            if (unchanged) return c.usage().promptTokens();
        }
        return TokenCounter.forModel(original.model()).countMessages(original.messages());
    }

    /** The answer's completion tokens (the serving call's; a cache hit's recorded or counted answer). */
    private static long completionTokens(Reply reply) {
        if (!reply.calls().isEmpty()) return reply.calls().getLast().usage().completionTokens();
        Usage u = reply.response() == null ? null : reply.response().usage();
        if (u != null && u.completionTokens() > 0) return u.completionTokens();
        return reply.response() == null ? 0 : TokenCounter.forModel(reply.servedModel()).count(reply.response().text());
    }

    private static GatewayException classify(RuntimeException e) {
        if (e instanceof ClientGoneException || e.getCause() instanceof ClientGoneException) {
            // nginx's 499: the client went away before the answer was complete
            return GatewayException.builder(499, "client closed the connection").type("client_closed").code("client_closed").build();
        }
        return ErrorMapper.normalise(e);
    }

    private RequestObservation failure(Exchange ex, GatewayException e, long firstChunkNanos) {
        long end = nanoTime.getAsLong();
        return new RequestObservation(ex.id(), ex.receivedAt(), ex.principal().keyId(), ex.principal().tenant(),
                ex.feature(), ex.original().model(), null, null, ex.streaming(), e.status(), e.type(), e.code(),
                0, 0, 0, BigDecimal.ZERO, BigDecimal.ZERO, List.of(), "bypass", end - ex.startNanos(),
                firstChunkNanos < 0 ? -1 : firstChunkNanos - ex.startNanos(), List.of());
    }

    /** Notes when the first chunk of a stream goes out (time to first token). */
    private record TimingSink(ChunkSink delegate, AtomicLong firstChunk, LongSupplier nanoTime) implements ChunkSink {
        @Override
        public void send(ObjectNode chunk) {
            firstChunk.compareAndSet(-1, nanoTime.getAsLong());
            delegate.send(chunk);
        }

        @Override public boolean cancelled() { return delegate.cancelled(); }

        @Override public boolean started() { return delegate.started(); }
    }
}
