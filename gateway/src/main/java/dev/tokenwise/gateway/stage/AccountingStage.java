package dev.tokenwise.gateway.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.gateway.ledger.Ledger;
import dev.tokenwise.gateway.ledger.LedgerRecord;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.ChunkSink;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import dev.tokenwise.gateway.server.ClientGoneException;
import dev.tokenwise.gateway.server.ErrorMapper;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prices every request and writes its ledger record: the actual cost (every upstream call at its
 * model's price, provider-reported usage), the unoptimised baseline (the requested model, the full
 * original prompt, no cache), the saving, the strategies behind it, latency and time to first
 * token. It sits right after authentication, so it sees cache hits, budget rejections and provider
 * failures too (a failure is recorded and rethrown). Non-streaming responses get the
 * {@code x-tokenwise-*-usd} headers; a stream gets the served model before its first byte.
 */
public final class AccountingStage implements Stage {

    public static final String COST = "x-tokenwise-cost-usd";
    public static final String BASELINE = "x-tokenwise-baseline-usd";
    public static final String SAVED = "x-tokenwise-saved-usd";
    public static final String SERVED_MODEL = "x-tokenwise-served-model";
    public static final String CACHE = "x-tokenwise-cache";

    private final RequestPricer pricer;
    private final Ledger ledger;
    private final LongSupplier nanoTime;
    private final AtomicInteger inFlight = new AtomicInteger();

    public AccountingStage(PriceCatalog catalog, Ledger ledger, LongSupplier nanoTime) {
        this.pricer = new RequestPricer(catalog, true);
        this.ledger = ledger;
        this.nanoTime = nanoTime;
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        inFlight.incrementAndGet();
        try {
            TimingSink timing = ex.streaming() ? new TimingSink(ex.sink(), ex, nanoTime) : null;
            Exchange downstream = timing == null ? ex : ex.withSink(timing);
            Reply reply;
            try {
                reply = next.proceed(downstream);
            } catch (RuntimeException e) {
                ledger.append(failure(ex, e, timing));
                throw e;
            }
            RequestPricer.Priced p = pricer.price(ex.original(), reply);
            ex.attach(RequestPricer.Priced.class, p); // the metrics stage reports the same figures
            if (!ex.streaming()) {
                ex.responseHeaders().put(COST, usd(p.cost()));
                ex.responseHeaders().put(BASELINE, usd(p.baseline()));
                ex.responseHeaders().put(SAVED, usd(p.baseline().subtract(p.cost())));
                if (reply.servedModel() != null) ex.responseHeaders().put(SERVED_MODEL, reply.servedModel());
                ex.responseHeaders().put(CACHE, reply.cacheStatus());
            }
            ledger.append(record(ex, reply, p, timing));
            return reply;
        } finally {
            if (inFlight.decrementAndGet() == 0) {
                synchronized (inFlight) {
                    inFlight.notifyAll();
                }
            }
        }
    }

    /** Requests being answered right now. */
    public int inFlight() { return inFlight.get(); }

    /**
     * Waits until no request is between this stage and its ledger append (used on shutdown, after
     * the server stopped accepting requests, so the ledger is closed only once every record is in).
     */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (inFlight) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                try {
                    inFlight.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private LedgerRecord record(Exchange ex, Reply reply, RequestPricer.Priced p, TimingSink timing) {
        long input = 0, cached = 0, output = 0;
        for (UpstreamCall c : reply.calls()) {
            input += c.usage().promptTokens();
            cached += c.usage().cachedTokens();
            output += c.usage().completionTokens();
        }
        Set<String> strategies = new LinkedHashSet<>();
        for (Applied a : reply.applied()) strategies.add(a.strategy());
        return new LedgerRecord(ex.id(), ex.receivedAt(), ex.principal().keyId(), ex.principal().tenant(), ex.feature(),
                ex.original().model(), reply.servedModel(), reply.provider(), input, cached, output,
                p.cost(), p.baseline(), p.baseline().subtract(p.cost()), String.join(",", strategies), reply.cacheStatus(),
                millisSince(ex.startNanos()), timing == null ? -1 : timing.ttftMs(), 200, null);
    }

    private LedgerRecord failure(Exchange ex, RuntimeException e, TimingSink timing) {
        int status;
        String code;
        if (e instanceof ClientGoneException || e.getCause() instanceof ClientGoneException) {
            status = 499;
            code = "client_closed_request";
        } else {
            GatewayException g = ErrorMapper.normalise(e);
            status = g.status();
            code = g.code() != null ? g.code() : g.type();
        }
        return new LedgerRecord(ex.id(), ex.receivedAt(), ex.principal().keyId(), ex.principal().tenant(), ex.feature(),
                ex.original().model(), null, null, 0, 0, 0, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, "",
                "bypass", millisSince(ex.startNanos()), timing == null ? -1 : timing.ttftMs(), status, code);
    }

    private double millisSince(long startNanos) {
        return (nanoTime.getAsLong() - startNanos) / 1_000_000.0;
    }

    /** Dollars as a plain decimal string, e.g. "0.0001375". */
    static String usd(BigDecimal v) {
        String s = v.stripTrailingZeros().toPlainString();
        return s.equals("0.0") || s.isEmpty() ? "0" : s;
    }

    /** Notes when the first chunk leaves, and names the served model on the response before it does. */
    private static final class TimingSink implements ChunkSink {
        private final ChunkSink delegate;
        private final Exchange ex;
        private final LongSupplier nanoTime;
        private volatile long firstNanos = -1;

        TimingSink(ChunkSink delegate, Exchange ex, LongSupplier nanoTime) {
            this.delegate = delegate;
            this.ex = ex;
            this.nanoTime = nanoTime;
        }

        @Override
        public void send(ObjectNode chunk) {
            if (firstNanos < 0) {
                String model = chunk.path("model").asText("");
                if (!model.isEmpty()) ex.responseHeaders().putIfAbsent(SERVED_MODEL, model);
                firstNanos = nanoTime.getAsLong();
            }
            delegate.send(chunk);
        }

        @Override public boolean cancelled() { return delegate.cancelled(); }

        @Override public boolean started() { return delegate.started(); }

        double ttftMs() {
            long f = firstNanos;
            return f < 0 ? -1 : (f - ex.startNanos()) / 1_000_000.0;
        }
    }
}
