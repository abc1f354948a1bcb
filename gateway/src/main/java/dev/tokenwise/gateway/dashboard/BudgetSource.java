package dev.tokenwise.gateway.dashboard;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Per-key budgets for the dashboard's burn-down panel: limit, period and what has been spent in
 * the current period. {@link #NONE} when the gateway has no key store.
 */
public interface BudgetSource {
    /** False when budgets are not configured at all (the panel says so instead of showing zeros). */
    boolean configured();

    List<Budget> budgets();

    /**
     * @param keyId the virtual key id
     * @param keyName its human name
     * @param tenant its tenant
     * @param limitUsd the budget for one period, null when the key has no limit
     * @param period e.g. "daily", "monthly"
     * @param periodStart when the current period began
     * @param periodEnd when it ends
     * @param spentUsd spend so far in the current period
     */
    record Budget(String keyId, String keyName, String tenant, BigDecimal limitUsd, String period,
                  Instant periodStart, Instant periodEnd, BigDecimal spentUsd) {}

    BudgetSource NONE = new BudgetSource() {
        @Override public boolean configured() { return false; }
        @Override public List<Budget> budgets() { return List.of(); }
    };
}
