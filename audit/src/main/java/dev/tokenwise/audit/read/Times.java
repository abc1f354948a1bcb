package dev.tokenwise.audit.read;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/** Timestamps as logs write them: ISO instants, local date-times (taken as UTC), epoch seconds or milliseconds. */
final class Times {
    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd")
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();

    private Times() {}

    /** Parses a timestamp or throws IllegalArgumentException naming what it got. */
    static Instant parse(String s) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException("missing timestamp");
        String t = s.strip();
        if (t.chars().allMatch(c -> Character.isDigit(c) || c == '.')) return epoch(Double.parseDouble(t));
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException ignored) {
            // not an instant with Z; try offsets and local times below
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException ignored) {
            // no offset
        }
        try {
            return LocalDateTime.parse(t, LOCAL).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("unreadable timestamp '" + t + "'");
        }
    }

    static Instant parse(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) throw new IllegalArgumentException("missing timestamp");
        if (n.isNumber()) return epoch(n.asDouble());
        return parse(n.asText());
    }

    /** Epoch seconds, or milliseconds when the number is too large to be seconds. */
    static Instant epoch(double v) {
        if (v > 1e11) return Instant.ofEpochMilli((long) v);
        return Instant.ofEpochMilli(Math.round(v * 1000));
    }
}
