package dev.tokenwise.gateway.stage;

import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.pricing.Price;
import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.gateway.config.KeysConfig;
import dev.tokenwise.gateway.keys.ApiKey;
import dev.tokenwise.gateway.keys.BudgetLedger;
import dev.tokenwise.gateway.keys.KeyStore;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Optional;

/**
 * Enforces each key's budget by reservation. Before the call it reserves the request's worst case
 * (the requested model's input price × counted prompt tokens, plus its output price × the output
 * cap); the reservation succeeds only if spent + reserved + worst case fits the budget, checked and
 * added in one atomic step by the {@link BudgetLedger}. After the call the reservation is replaced
 * by the actual cost of every upstream call; on failure it is released (or, for a stream that
 * failed after output reached the client, charged in full). Concurrent requests
 * therefore never spend more than the budget as long as no call costs more than its reservation.
 */
public final class BudgetStage implements Stage {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private final KeyStore store;
    private final BudgetLedger ledger;
    private final PriceCatalog catalog;
    private final InstantSource clock;
    private final KeysConfig config;
    private final Price fallback;

    /**
     * @param servedModels the gateway's model names: a requested model without a price is
     *     reserved at the most expensive of their prices, since routing may send it to any of them
     */
    public BudgetStage(KeyStore store, BudgetLedger ledger, PriceCatalog catalog, InstantSource clock,
                       KeysConfig config, Collection<String> servedModels) {
        this.store = store;
        this.ledger = ledger;
        this.catalog = catalog;
        this.clock = clock;
        this.config = config;
        Price worst = null;
        for (String m : servedModels) {
            Optional<Price> p = catalog.find(m);
            if (p.isEmpty()) continue;
            if (worst == null) {
                worst = p.get();
            } else {
                worst = new Price(worst.input().max(p.get().input()), null, worst.cacheWrite().max(p.get().cacheWrite()),
                        worst.output().max(p.get().output()), null, "most expensive configured model");
            }
        }
        this.fallback = worst;
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        if (ex.principal().keyId().equals("anonymous")) return next.proceed(ex);
        ApiKey key = ex.attached(ApiKey.class);
        if (key == null || !key.id().equals(ex.principal().keyId())) key = store.find(ex.principal().keyId()).orElse(null);
        if (key == null || !key.hasBudget()) return next.proceed(ex);

        ChatRequest req = ex.request();
        if (req.maxTokens().isEmpty()) {
            // Without an output cap the worst case is unbounded; cap it so the reservation holds.
            req = req.withMaxTokens(config.defaultMaxTokens());
            ex = ex.withRequest(req);
        }
        long reserve = toNanos(worstCase(req));
        long limit = toNanos(key.budgetUsd());
        Instant now = clock.instant();
        String period = key.period().bucket(now);
        boolean ok;
        try {
            ok = ledger.reserve(key.id(), period, limit, reserve);
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
        if (!ok) throw exceeded(key, period, now);

        Reply reply;
        try {
            reply = next.proceed(ex);
        } catch (RuntimeException | Error e) {
            // A stream that failed after output reached the client was billed upstream for an
            // unknown part of it: charge the reservation (an upper bound) rather than nothing.
            settleQuietly(key.id(), period, reserve, ex.sink().started() ? reserve : 0, e);
            throw e;
        }
        long actual = 0;
        for (UpstreamCall c : reply.calls()) actual += toNanos(catalog.cost(c.model(), c.usage(), c.discount()));
        try {
            ledger.settle(key.id(), period, reserve, actual);
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
        return reply;
    }

    /** USD the request can cost at most, before it is sent. */
    BigDecimal worstCase(ChatRequest req) {
        Price p = catalog.find(req.model()).orElse(fallback);
        if (p == null) return BigDecimal.ZERO;
        TokenCounter counter = TokenCounter.forModel(req.model());
        BigDecimal prompt = BigDecimal.valueOf(counter.countMessages(req.messages()));
        if (!counter.exact()) prompt = prompt.multiply(BigDecimal.valueOf(1 + config.estimateMargin()));
        BigDecimal inputPrice = p.input().max(p.cacheWrite());
        BigDecimal output = BigDecimal.valueOf(req.maxTokens().orElse(config.defaultMaxTokens()) * (long) req.n());
        return inputPrice.multiply(prompt).add(p.output().multiply(output)).divide(MILLION, MathContext.DECIMAL128);
    }

    /** Nano-dollars, rounded up so that rounding never lets a reservation or a charge come out low. */
    static long toNanos(BigDecimal usd) {
        return usd.movePointRight(9).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    private void settleQuietly(String keyId, String period, long reserved, long actual, Throwable failure) {
        try {
            ledger.settle(keyId, period, reserved, actual);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private GatewayException exceeded(ApiKey key, String period, Instant now) {
        BudgetLedger.Balance b;
        try {
            b = ledger.balance(key.id(), period);
        } catch (RuntimeException e) {
            b = BudgetLedger.Balance.EMPTY;
        }
        Instant end = key.period().end(now);
        return GatewayException.builder(429, "Budget exceeded for key '" + key.name() + "': $"
                        + usd(b.spentNanos()) + " spent and $" + usd(b.reservedNanos()) + " reserved of $"
                        + key.budgetUsd().toPlainString() + " this " + key.period().label() + " (" + period
                        + "); the budget resets at " + end + ".")
                .type("rate_limit_error").code("budget_exceeded")
                .retryAfterMillis(Math.max(0, Duration.between(now, end).toMillis()))
                .build();
    }

    private static String usd(long nanos) {
        return BigDecimal.valueOf(nanos).movePointLeft(9).setScale(6, RoundingMode.HALF_UP).toPlainString();
    }

    private static GatewayException unavailable(RuntimeException e) {
        return GatewayException.builder(503, "The budget store is unavailable; request refused so no budget can be overspent.")
                .type("server_error").code("budget_store_unavailable").retryable(true).cause(e).build();
    }
}
