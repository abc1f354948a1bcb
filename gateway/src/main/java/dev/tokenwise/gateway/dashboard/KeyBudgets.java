package dev.tokenwise.gateway.dashboard;

import dev.tokenwise.gateway.keys.ApiKey;
import dev.tokenwise.gateway.keys.BudgetLedger;
import dev.tokenwise.gateway.keys.BudgetPeriod;
import dev.tokenwise.gateway.keys.Keys;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Budgets from the key store: every live key, its limit and period, and what the budget counters
 * say it spent in the current period (the same counters the budget stage enforces).
 */
public final class KeyBudgets implements BudgetSource {
    private static final BigDecimal NANOS_PER_USD = BigDecimal.valueOf(1_000_000_000L);

    private final Keys keys;
    private final InstantSource clock;

    public KeyBudgets(Keys keys, InstantSource clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** Configured once any key has a budget; until then the panel says budgets are not configured. */
    @Override
    public boolean configured() {
        return keys.store().list().stream().anyMatch(k -> !k.revoked() && k.hasBudget());
    }

    @Override
    public List<Budget> budgets() {
        Instant now = clock.instant();
        List<Budget> out = new ArrayList<>();
        for (ApiKey k : keys.store().list()) {
            if (k.revoked()) continue;
            BudgetPeriod p = k.period() == null ? BudgetPeriod.MONTH : k.period();
            BudgetLedger.Balance b = keys.budgets().balance(k.id(), p.bucket(now));
            BigDecimal spent = BigDecimal.valueOf(b.spentNanos()).divide(NANOS_PER_USD).stripTrailingZeros();
            out.add(new Budget(k.id(), k.name(), k.tenant(), k.hasBudget() ? k.budgetUsd() : null, p.label(),
                    start(p, now), p.end(now), spent));
        }
        out.sort((a, b) -> b.spentUsd().compareTo(a.spentUsd()));
        return out;
    }

    private static Instant start(BudgetPeriod p, Instant now) {
        var d = now.atOffset(ZoneOffset.UTC).toLocalDate();
        return (p == BudgetPeriod.DAY ? d : d.withDayOfMonth(1)).atStartOfDay().toInstant(ZoneOffset.UTC);
    }
}
