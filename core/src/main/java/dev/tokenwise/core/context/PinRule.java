package dev.tokenwise.core.context;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.wire.Message;

/**
 * Which messages history trimming must never drop. A message is pinned when any rule matches:
 * its text contains {@code marker}, it is one of the first {@code firstUserTurns} user messages
 * (with the turn's answer), or it carries {@code "pin": true} (when {@code pinField} is on; the
 * field is removed before the request goes upstream).
 *
 * @param marker a literal string, e.g. "#pin"; null for none
 * @param firstUserTurns how many opening user turns to keep (0 for none)
 * @param pinField honour a {@code "pin": true} field on messages
 */
public record PinRule(String marker, int firstUserTurns, boolean pinField) {
    public static final PinRule NONE = new PinRule(null, 0, false);

    public PinRule {
        if (marker != null && marker.isEmpty()) marker = null;
        if (firstUserTurns < 0) throw new IllegalArgumentException("firstUserTurns must be >= 0, was " + firstUserTurns);
    }

    boolean pinsByContent(Message m) {
        if (marker != null && m.text().contains(marker)) return true;
        if (pinField) {
            JsonNode p = m.raw().get("pin");
            return p != null && p.asBoolean(false);
        }
        return false;
    }
}
