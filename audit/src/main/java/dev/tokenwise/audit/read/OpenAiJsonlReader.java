package dev.tokenwise.audit.read;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * OpenAI request/response JSONL: one object per line,
 * <pre>{"timestamp": "2025-06-01T12:00:00Z" | epoch seconds | epoch ms,
 *  "feature": "support-chat",            (optional)
 *  "user": "u-123",                      (optional)
 *  "request": {chat completion request body},
 *  "response": {chat completion response body, with usage}}</pre>
 * Usage in the response wins; without it, tokens are counted from the text.
 */
final class OpenAiJsonlReader implements LogReader {
    @Override
    public boolean accepts(byte[] head, List<String> firstLines) {
        for (String l : firstLines) {
            if (l.isBlank()) continue;
            try {
                JsonNode n = Json.MAPPER.readTree(l);
                return n != null && n.isObject() && n.path("request").isObject();
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    @Override
    public Stream<LogRecord> read(Path file, ReadOptions options, ReadProblems problems) throws IOException {
        return Lines.map(file, problems, (no, line) -> parse(no, line));
    }

    static LogRecord parse(long no, String line) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException("expected a JSON object {request, response, timestamp}");
        JsonNode req = n.get("request");
        if (req == null || !req.isObject()) throw new IllegalArgumentException("missing 'request' object");
        JsonNode ts = n.has("timestamp") ? n.get("timestamp") : n.get("ts");
        return ChatShapes.record(no, Times.parse(ts), null, n.path("feature").asText(null),
                n.path("user").asText(req.path("user").asText(null)), req.get("messages"), req, n.get("response"), null);
    }
}
