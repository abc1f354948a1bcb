package dev.tokenwise.gateway.stage;

import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prices one answered request: the actual cost (every upstream call at its model's price,
 * provider-reported usage) and the unoptimised baseline (the requested model, the full original
 * prompt, no cache). The one rule both the ledger ({@link AccountingStage}) and the metrics
 * ({@link MetricsStage}) use, so the two always agree.
 */
final class RequestPricer {
    private static final Logger LOG = LoggerFactory.getLogger(RequestPricer.class);
    /** Strategies after which the provider no longer saw the client's own prompt or model. */
    private static final Set<String> PROMPT_CHANGING = Set.of(Applied.CACHE_EXACT, Applied.CACHE_SEMANTIC,
            Applied.ROUTING, Applied.CASCADE, Applied.TRIM, Applied.DEDUP);

    /** What a request cost and what it would have cost unoptimised. */
    record Priced(BigDecimal cost, BigDecimal baseline, long baselineInputTokens, long baselineOutputTokens) {}

    private final PriceCatalog catalog;
    private final boolean warnUnpriced;
    private final Set<String> unpriced = ConcurrentHashMap.newKeySet();

    /** @param warnUnpriced log once per model that the price sheet has no price for */
    RequestPricer(PriceCatalog catalog, boolean warnUnpriced) {
        this.catalog = catalog;
        this.warnUnpriced = warnUnpriced;
    }

    Priced price(ChatRequest original, Reply reply) {
        BigDecimal cost = BigDecimal.ZERO;
        for (UpstreamCall c : reply.calls()) {
            checkPriced(c.model());
            cost = cost.add(catalog.cost(c.model(), c.usage(), c.discount()));
        }
        String model = original.model();
        checkPriced(model);
        long in = baselineInputTokens(original, reply);
        long out = completionTokens(reply);
        BigDecimal baseline = catalog.cost(model, Usage.counted(in, out), 0);
        return new Priced(cost, baseline, in, out);
    }

    /**
     * The provider's own prompt count when the provider saw exactly the client's request (one call
     * to the requested model, no strategy that changes prompt or model); otherwise the original
     * messages counted with the requested model's tokenizer.
     */
    private static long baselineInputTokens(ChatRequest original, Reply reply) {
        if (reply.calls().size() == 1) {
            UpstreamCall c = reply.calls().getFirst();
            boolean unchanged = reply.applied().stream().noneMatch(a -> PROMPT_CHANGING.contains(a.strategy()))
                    && c.model().equalsIgnoreCase(original.model()) && c.usage().reported();
            if (unchanged) return c.usage().promptTokens();
        }
        return TokenCounter.forModel(original.model()).countMessages(original.messages());
    }

    /**
     * The answer's completion tokens: as the serving call reported them; for an answer served
     * without a call (a cache hit), as recorded with the answer, else counted from its text.
     */
    private static long completionTokens(Reply reply) {
        if (!reply.calls().isEmpty()) return reply.calls().getLast().usage().completionTokens();
        ChatResponse r = reply.response();
        Usage u = r == null ? null : r.usage();
        if (u != null && u.completionTokens() > 0) return u.completionTokens();
        return r == null ? 0 : TokenCounter.forModel(reply.servedModel()).count(r.text());
    }

    private void checkPriced(String model) {
        if (!warnUnpriced || catalog.find(model).isPresent()) return;
        if (unpriced.add(model.toLowerCase(Locale.ROOT))) {
            LOG.warn("no price for model '{}' in price sheet '{}': its calls are recorded at $0; add it under pricing.models",
                    model, catalog.sheet());
        }
    }
}
