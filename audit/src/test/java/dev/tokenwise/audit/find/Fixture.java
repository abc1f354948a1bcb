package dev.tokenwise.audit.find;

import dev.tokenwise.audit.read.Hash64;
import dev.tokenwise.audit.read.LogRecord;
import dev.tokenwise.core.pricing.Price;
import dev.tokenwise.core.pricing.PriceCatalog;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A small log with known answers. Prices: gpt-4o $10 in / $5 cached / $20 out per 1M tokens,
 * gpt-4o-mini $1 in / $2 out.
 */
public final class Fixture {
    public static final PriceCatalog PRICES = PriceCatalog.of("test", Map.of(
            "gpt-4o", new Price(new BigDecimal("10"), new BigDecimal("5"), null, new BigDecimal("20"), null, null),
            "gpt-4o-mini", Price.of("1", "2")));
    static final String SYSTEM = "You are the support agent.";

    private final List<LogRecord> rows = new ArrayList<>();
    private long t = Instant.parse("2025-06-01T12:00:00Z").toEpochMilli();

    public Fixture add(String model, String feature, String system, String prompt, int messages, long in, long out,
                       long maxTokens, boolean stream, long systemTokens) {
        long hash = prompt == null ? 0 : Hash64.mix(Hash64.mix(Hash64.FNV_OFFSET, String.valueOf(system)), prompt + "#" + messages);
        rows.add(new LogRecord(rows.size() + 1, Instant.ofEpochMilli(t += 1000), model, feature, null, system, prompt, messages,
                in, 0, out, maxTokens, stream, prompt == null ? null : "answer", systemTokens, hash));
        return this;
    }

    public List<LogRecord> rows() { return rows; }

    /** The log behind the findings and replay tests (see the test for the expected numbers). */
    public static Fixture standard() {
        Fixture f = new Fixture();
        String sum = "Summarize this product description: a stainless steel water bottle that keeps drinks cold";
        f.add("gpt-4o", "catalog", null, sum, 1, 1000, 100, -1, false, 0);
        f.add("gpt-4o", "catalog", null, sum, 1, 1000, 100, -1, false, 0);
        f.add("gpt-4o", "catalog", null, sum, 1, 1000, 100, -1, false, 0);
        f.add("gpt-4o", "catalog", null, "Summarize this product description: an oak garden chair with weatherproof cushions and armrests",
                1, 1000, 100, -1, false, 0);
        f.add("gpt-4o", "support", SYSTEM, "What are your business hours?", 2, 50, 20, -1, true, 6);
        f.add("gpt-4o", "support", SYSTEM, "what are your business hours??", 2, 50, 20, -1, true, 6);
        f.add("gpt-4o", "support", SYSTEM, "Where is my order?", 2, 50, 20, -1, true, 6);
        String longSystem = "You follow the long policy handbook.";
        f.add("gpt-4o", "chat", longSystem, "ok, and then what happens to my refund", 20, 10000, 50, -1, true, 1500);
        f.add("gpt-4o", "chat", longSystem, "thanks, one more thing about the warranty", 20, 10000, 50, -1, true, 1500);
        f.add("gpt-4o", "drafts", null, "Draft a reply to the customer who wrote about a late delivery", 1, 100, 100, -1, false, 0);
        f.add("gpt-4o", "drafts", null, "Draft a reply to the customer who asked about invoices", 1, 100, 100, -1, false, 0);
        f.add("gpt-4o", "drafts", null, "Draft a reply to the customer who wants a discount", 1, 100, 100, -1, false, 0);
        f.add("gpt-4o", "drafts", null, "Draft a reply to the customer who complained about support", 1, 100, 1000, -1, false, 0);
        f.add("gpt-4o", "drafts", null, "Draft a long reply to the customer who sent a legal letter", 1, 100, 2000, 2000, false, 0);
        f.add("gpt-4o", "nightly-etl", null, "Extract the brand as JSON from: Acme blue shirt 42", 1, 200, 20, -1, false, 0);
        f.add("gpt-4o", "nightly-etl", null, "Extract the brand as JSON from: Zeta red scarf 7", 1, 200, 20, -1, false, 0);
        return f;
    }
}
