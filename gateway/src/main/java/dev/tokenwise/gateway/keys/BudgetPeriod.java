package dev.tokenwise.gateway.keys;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/** How often a key's budget starts again; periods are calendar days or months in UTC. */
public enum BudgetPeriod {
    DAY, MONTH;

    /** The period an instant falls in, as a stable string: {@code 2026-11-28} or {@code 2026-11}. */
    public String bucket(Instant t) {
        LocalDate d = t.atOffset(ZoneOffset.UTC).toLocalDate();
        return this == DAY ? d.toString() : d.toString().substring(0, 7);
    }

    /** The first instant of the next period. */
    public Instant end(Instant t) {
        LocalDate d = t.atOffset(ZoneOffset.UTC).toLocalDate();
        LocalDate next = this == DAY ? d.plusDays(1) : d.withDayOfMonth(1).plusMonths(1);
        return next.atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    public String label() { return name().toLowerCase(Locale.ROOT); }

    /** Parses "day" or "month" (case-insensitive). */
    public static BudgetPeriod parse(String s) {
        if (s == null) throw new IllegalArgumentException("period must be day or month");
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "day", "daily" -> DAY;
            case "month", "monthly" -> MONTH;
            default -> throw new IllegalArgumentException("period must be day or month, was '" + s + "'");
        };
    }
}
