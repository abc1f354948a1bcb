package dev.tokenwise.audit;

import dev.tokenwise.audit.read.LogFormat;
import dev.tokenwise.audit.read.ReadOptions;
import dev.tokenwise.core.pricing.PriceCatalog;

/**
 * How to run an audit.
 *
 * @param format the log format, or null to detect it per file
 * @param priceSheet the bundled price sheet to bill with ({@code current} or {@code seed-2025})
 * @param read how to read rows that leave things out
 */
public record AuditOptions(LogFormat format, String priceSheet, ReadOptions read) {
    public AuditOptions {
        if (priceSheet == null) priceSheet = PriceCatalog.DEFAULT_SHEET;
        if (read == null) read = ReadOptions.DEFAULTS;
    }

    public static AuditOptions defaults() {
        return new AuditOptions(null, null, null);
    }
}
