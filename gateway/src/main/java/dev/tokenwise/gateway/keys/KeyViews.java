package dev.tokenwise.gateway.keys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import java.math.BigDecimal;
import java.time.InstantSource;

/** The one JSON shape of a key, shared by the admin API and {@code tokenwise keys list --json}. */
public final class KeyViews {
    private KeyViews() {}

    public static ObjectNode describe(ApiKey k, BudgetLedger budgets, InstantSource clock) {
        ObjectNode o = Json.object();
        o.put("id", k.id());
        o.put("name", k.name());
        o.put("tenant", k.tenant());
        if (k.budgetUsd() != null) o.put("budget_usd", k.budgetUsd()); else o.putNull("budget_usd");
        if (k.period() != null) o.put("period", k.period().label()); else o.putNull("period");
        o.put("created_at", k.createdAt().toString());
        if (k.revokedAt() != null) o.put("revoked_at", k.revokedAt().toString()); else o.putNull("revoked_at");
        if (k.hasBudget()) {
            String period = k.period().bucket(clock.instant());
            BudgetLedger.Balance b = budgets.balance(k.id(), period);
            o.put("current_period", period);
            o.put("spent_usd", BigDecimal.valueOf(b.spentNanos()).movePointLeft(9).stripTrailingZeros());
            o.put("reserved_usd", BigDecimal.valueOf(b.reservedNanos()).movePointLeft(9).stripTrailingZeros());
        }
        return o;
    }
}
