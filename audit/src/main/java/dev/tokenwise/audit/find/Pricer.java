package dev.tokenwise.audit.find;

import dev.tokenwise.core.pricing.Price;
import dev.tokenwise.core.pricing.PriceCatalog;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Catalog prices as dollars per token in doubles, cached per model name: the audit prices
 * millions of rows, where {@link PriceCatalog#cost} in BigDecimal would dominate. Models missing
 * from the sheet cost zero and are listed in {@link #unknownModels()}.
 */
public final class Pricer {
    /** Per-token prices of one model. */
    public record Rates(double input, double cachedInput, double output, boolean known) {
        public double cost(long in, long cached, long out) {
            long c = Math.min(cached, in);
            return (in - c) * input + c * cachedInput + out * output;
        }
    }

    private final PriceCatalog catalog;
    private final Map<String, Rates> rates = new ConcurrentHashMap<>();
    private final Set<String> unknown = java.util.Collections.synchronizedSet(new TreeSet<>());

    public Pricer(PriceCatalog catalog) {
        this.catalog = catalog;
    }

    public PriceCatalog catalog() { return catalog; }

    public Rates rates(String model) {
        return rates.computeIfAbsent(model, m -> {
            Optional<Price> p = catalog.find(m);
            if (p.isEmpty()) {
                unknown.add(m);
                return new Rates(0, 0, 0, false);
            }
            return new Rates(p.get().input().doubleValue() / 1e6, p.get().cachedInput().doubleValue() / 1e6,
                    p.get().output().doubleValue() / 1e6, true);
        });
    }

    public Set<String> unknownModels() {
        synchronized (unknown) {
            return Set.copyOf(unknown);
        }
    }
}
