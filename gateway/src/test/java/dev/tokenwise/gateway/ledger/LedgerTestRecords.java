package dev.tokenwise.gateway.ledger;

import java.math.BigDecimal;
import java.time.Instant;

/** Builds ledger records for tests. */
final class LedgerTestRecords {
    private LedgerTestRecords() {}

    static LedgerRecord record(String id, Instant t, String tenant, String feature, String model, String strategy,
                               String cost, String baseline) {
        BigDecimal c = new BigDecimal(cost);
        BigDecimal b = new BigDecimal(baseline);
        return new LedgerRecord(id, t, "key-" + tenant, tenant, feature, model, model, "mock", 100, 10, 20, c, b,
                b.subtract(c), strategy, strategy.startsWith("cache") ? "hit-exact" : "miss", 12.5, -1, 200, null);
    }
}
