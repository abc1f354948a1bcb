package dev.tokenwise.gateway.keys;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A virtual API key as stored: never the secret, only its id, owner and budget.
 *
 * @param id public lookup id, e.g. {@code k3f9a0c2d5e71}; also the first part of the secret
 * @param name a label for people ("checkout-service")
 * @param tenant the tenant its requests belong to (caches and reports are namespaced by it)
 * @param budgetUsd spend allowed per period, or null for no budget
 * @param period the budget period (null when there is no budget)
 * @param createdAt when it was created
 * @param revokedAt when it was revoked, or null while it is valid
 */
public record ApiKey(String id, String name, String tenant, BigDecimal budgetUsd, BudgetPeriod period,
                     Instant createdAt, Instant revokedAt) {
    public boolean revoked() { return revokedAt != null; }

    public boolean hasBudget() { return budgetUsd != null && period != null; }
}
