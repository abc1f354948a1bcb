package dev.tokenwise.gateway.stage;

import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.gateway.config.KeysConfig;
import dev.tokenwise.gateway.keys.ApiKey;
import dev.tokenwise.gateway.keys.BudgetGuard;
import dev.tokenwise.gateway.keys.BudgetLedger;
import dev.tokenwise.gateway.keys.KeyStore;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import java.math.BigDecimal;
import java.time.InstantSource;
import java.util.Collection;

/**
 * Enforces each key's budget by reservation, by the {@link BudgetGuard}'s rules: before the call
 * it reserves the request's worst case, its prompt bounded by its bytes and counted only when that
 * bound does not fit ({@link BudgetGuard#reserveForCall}; a request without an output cap is sent with
 * {@code keys.default_max_tokens}); after the call the reservation is replaced by the actual cost
 * of every upstream call; on failure it is released (or, for a stream that failed after output
 * reached the client, charged in full). Concurrent requests therefore never spend more than the
 * budget as long as no call costs more than its reservation.
 */
public final class BudgetStage implements Stage {
    private final BudgetGuard guard;

    public BudgetStage(BudgetGuard guard) {
        this.guard = guard;
    }

    public BudgetStage(KeyStore store, BudgetLedger ledger, PriceCatalog catalog, InstantSource clock,
                       KeysConfig config, Collection<String> servedModels) {
        this(new BudgetGuard(store, ledger, catalog, clock, config, servedModels));
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        ApiKey key = guard.budgeted(ex.principal(), ex.attached(ApiKey.class));
        if (key == null) return next.proceed(ex);

        ChatRequest req = guard.capped(ex.request());
        if (req != ex.request()) ex = ex.withRequest(req);
        BudgetGuard.Reservation r = guard.reserveForCall(key, req);

        Reply reply;
        try {
            reply = next.proceed(ex);
        } catch (RuntimeException | Error e) {
            // A stream that failed after output reached the client was billed upstream for an
            // unknown part of it: charge the reservation (an upper bound) rather than nothing.
            guard.settleQuietly(r, ex.sink().started() ? r.nanos() : 0, e);
            throw e;
        }
        guard.settle(r, guard.actualNanos(reply.calls()));
        return reply;
    }

    /** USD the request can cost at most, before it is sent. */
    BigDecimal worstCase(ChatRequest req) {
        return guard.worstCase(req);
    }

    /** Nano-dollars, rounded up so that rounding never lets a reservation or a charge come out low. */
    static long toNanos(BigDecimal usd) {
        return BudgetGuard.toNanos(usd);
    }
}
