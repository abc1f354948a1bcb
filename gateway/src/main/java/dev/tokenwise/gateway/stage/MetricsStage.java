package dev.tokenwise.gateway.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.pricing.PriceCatalog;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Observes every reply (and every failure) of the stages after it: counts it in the metrics and
 * writes the request-log line. Placed right after authentication, so it sees budget rejections
 * and cache hits too. Cost and baseline come from {@link RequestPricer}, the same rule the ledger
 * uses.
 */
public final class MetricsStage implements Stage {
    private final GatewayMetrics metrics;
    private final RequestLog log;
    private final RequestPricer pricer;
    private final LongSupplier nanoTime;

    public MetricsStage(GatewayMetrics metrics, RequestLog log, PriceCatalog prices, LongSupplier nanoTime) {
        this.metrics = metrics;
        this.log = log;
        this.pricer = new RequestPricer(prices, false);
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
        for (UpstreamCall c : reply.calls()) total = total.plus(c.usage());
        RequestPricer.Priced p = ex.attached(RequestPricer.Priced.class);
        if (p == null) p = pricer.price(ex.original(), reply); // no accounting stage priced it
        long end = nanoTime.getAsLong();
        return new RequestObservation(ex.id(), ex.receivedAt(), ex.principal().keyId(), ex.principal().tenant(),
                ex.feature(), ex.original().model(), reply.servedModel(), reply.provider(), ex.streaming(), 200,
                null, null, total.promptTokens(), total.cachedTokens(), total.completionTokens(), p.cost(), p.baseline(),
                reply.applied().stream().map(Applied::strategy).toList(), reply.cacheStatus(),
                end - ex.startNanos(), firstChunkNanos < 0 ? -1 : firstChunkNanos - ex.startNanos(), reply.calls());
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
