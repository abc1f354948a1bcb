package dev.tokenwise.gateway.keys;

import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.pricing.Price;
import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.gateway.config.KeysConfig;
import dev.tokenwise.gateway.pipeline.Principal;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The budget rules every budgeted request follows, whichever way it arrives (a chat completion or
 * a request of a batch job): a request's worst case is reserved before it is sent, and only if
 * spent + reserved + worst case fits the key's budget (one atomic step in the {@link BudgetLedger});
 * afterwards the reservation is replaced by the actual cost. The worst case is the requested
 * model's input price × counted prompt tokens plus its output price × the output cap, so a request
 * without a cap gets {@code keys.default_max_tokens} as its cap.
 */
public final class BudgetGuard {
    /** A held reservation: settle it exactly once. */
    public record Reservation(String keyId, String period, long nanos) {}

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
    public BudgetGuard(KeyStore store, BudgetLedger ledger, PriceCatalog catalog, InstantSource clock,
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

    /**
     * The principal's key when it has a budget, else null (anonymous or unbudgeted: nothing to
     * enforce); {@code known} is the key already read for this request, if any.
     */
    public ApiKey budgeted(Principal principal, ApiKey known) {
        if (principal.keyId().equals("anonymous")) return null;
        ApiKey key = known != null && known.id().equals(principal.keyId()) ? known : store.find(principal.keyId()).orElse(null);
        return key == null || !key.hasBudget() ? null : key;
    }

    /** The request as it must be sent under a budget: with an output cap, so its worst case is bounded. */
    public ChatRequest capped(ChatRequest req) {
        return req.maxTokens().isEmpty() ? req.withMaxTokens(config.defaultMaxTokens()) : req;
    }

    /**
     * Reserves the worst case of a {@link #capped} request, with the provider's {@code discount}
     * (the share of the price waived, 0 for a normal call), against the key's current period.
     *
     * @throws GatewayException 429 {@code budget_exceeded} when it does not fit; 503 when the budget store fails
     */
    public Reservation reserve(ApiKey key, ChatRequest capped, double discount) {
        Instant now = clock.instant();
        String period = key.period().bucket(now);
        long amount = nanos(worstCase(capped), discount);
        if (!fits(key, period, amount)) throw exceeded(key, period, now);
        return new Reservation(key.id(), period, amount);
    }

    /**
     * As {@link #reserve} at full price, for a call settled when its response ends: first at an
     * upper bound of the prompt that needs no tokenizer ({@link TokenCounter#upperBoundMessages},
     * UTF-8 bytes), and only when that does not fit at the counted prompt, so a request that fits
     * by its count is still admitted. The bound holds more than the count (about 4× the prompt's
     * share for English) only until the call settles.
     */
    public Reservation reserveForCall(ApiKey key, ChatRequest capped) {
        Instant now = clock.instant();
        String period = key.period().bucket(now);
        long bound = nanos(worstCase(capped, true), 0);
        if (fits(key, period, bound)) return new Reservation(key.id(), period, bound);
        long counted = nanos(worstCase(capped), 0);
        if (counted < bound && fits(key, period, counted)) return new Reservation(key.id(), period, counted);
        throw exceeded(key, period, now);
    }

    private static long nanos(BigDecimal usd, double discount) {
        return toNanos(usd.multiply(BigDecimal.ONE.subtract(BigDecimal.valueOf(discount))).max(BigDecimal.ZERO));
    }

    private boolean fits(ApiKey key, String period, long amount) {
        try {
            return ledger.reserve(key.id(), period, toNanos(key.budgetUsd()), amount);
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    /** What the calls cost, in nano-dollars (rounded up), at their models' prices and discounts. */
    public long actualNanos(List<UpstreamCall> calls) {
        long actual = 0;
        for (UpstreamCall c : calls) actual += toNanos(catalog.cost(c.model(), c.usage(), c.discount()));
        return actual;
    }

    /**
     * Holds again a reservation made before this process started ({@link BudgetLedger#restore}),
     * so that settling it later does not free budget the ledger no longer held.
     */
    public void restoreAfterRestart(Reservation r) {
        ledger.restore(r.keyId(), r.period(), r.nanos());
    }

    /** Replaces the reservation by {@code actualNanos} (0 releases it); a 503 when the budget store fails. */
    public void settle(Reservation r, long actualNanos) {
        try {
            ledger.settle(r.keyId(), r.period(), r.nanos(), actualNanos);
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    /** As {@link #settle}, for a request that already failed: a store failure is added to {@code failure}. */
    public void settleQuietly(Reservation r, long actualNanos, Throwable failure) {
        try {
            ledger.settle(r.keyId(), r.period(), r.nanos(), actualNanos);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** USD the request can cost at most at full price, before it is sent (its prompt counted). */
    public BigDecimal worstCase(ChatRequest req) {
        return worstCase(req, false);
    }

    /** As {@link #worstCase(ChatRequest)}, with the prompt's tokens counted or bounded by its bytes. */
    private BigDecimal worstCase(ChatRequest req, boolean byteBound) {
        Price p = catalog.find(req.model()).orElse(fallback);
        if (p == null) return BigDecimal.ZERO;
        TokenCounter counter = TokenCounter.forModel(req.model());
        BigDecimal prompt = BigDecimal.valueOf(byteBound ? counter.upperBoundMessages(req.messages()) : counter.countMessages(req.messages()));
        if (!counter.exact()) prompt = prompt.multiply(BigDecimal.valueOf(1 + config.estimateMargin()));
        BigDecimal inputPrice = p.input().max(p.cacheWrite());
        BigDecimal output = BigDecimal.valueOf(req.maxTokens().orElse(config.defaultMaxTokens()) * (long) req.n());
        return inputPrice.multiply(prompt).add(p.output().multiply(output)).movePointLeft(6); // per million tokens
    }

    /** Nano-dollars, rounded up so that rounding never lets a reservation or a charge come out low. */
    public static long toNanos(BigDecimal usd) {
        return usd.movePointRight(9).setScale(0, RoundingMode.CEILING).longValueExact();
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
