package dev.tokenwise.gateway.provider.http;

import java.io.IOException;
import okio.BufferedSource;

/**
 * Reads server-sent events line by line from an upstream body, without buffering the body: each
 * call to {@link #next()} blocks only until the next complete event.
 */
public final class SseEvents {
    /** One event: its {@code event:} name (null when unnamed) and its joined {@code data:} lines. */
    public record Event(String name, String data) {}

    private final BufferedSource source;

    public SseEvents(BufferedSource source) {
        this.source = source;
    }

    /** The next event, or null at the end of the body. */
    public Event next() throws IOException {
        String name = null;
        StringBuilder data = null;
        while (true) {
            String line = source.readUtf8Line();
            if (line == null) {
                // end of body: an event without its closing blank line still counts
                return data == null ? null : new Event(name, data.toString());
            }
            if (line.isEmpty()) {
                if (data != null) return new Event(name, data.toString());
                name = null;
                continue;
            }
            if (line.startsWith(":")) continue;
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            if (field.equals("data")) {
                if (data == null) data = new StringBuilder(); else data.append('\n');
                data.append(value);
            } else if (field.equals("event")) {
                name = value;
            }
        }
    }
}
