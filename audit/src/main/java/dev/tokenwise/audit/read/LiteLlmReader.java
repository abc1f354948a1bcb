package dev.tokenwise.audit.read;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * LiteLLM proxy spend logs ({@code LiteLLM_SpendLogs} rows) as exported by its UI/API: a JSON
 * array ({@code GET /spend/logs}), JSON lines, or CSV with the table's columns
 * ({@code request_id, call_type, api_key, spend, total_tokens, prompt_tokens, completion_tokens,
 * startTime, endTime, model, api_base, user, metadata, cache_hit, cache_key, request_tags,
 * team_id, end_user, messages, response}). {@code messages} and {@code response} may be JSON
 * (objects, or strings holding JSON) or empty when the proxy does not store prompts; the feature
 * is the first of {@code request_tags}, else {@code metadata.tags}.
 */
final class LiteLlmReader implements LogReader {
    /** Reads one array element at a time (the shared mapper rejects trailing tokens, i.e. the rest of the array). */
    private static final com.fasterxml.jackson.databind.ObjectMapper STREAMING = new com.fasterxml.jackson.databind.ObjectMapper();

    @Override
    public boolean accepts(byte[] head, List<String> firstLines) {
        for (String l : firstLines) {
            String s = l.strip();
            if (s.isEmpty()) continue;
            if (s.startsWith("[") || s.startsWith("{")) {
                // JSON array or JSON lines: look for LiteLLM's key columns in the first object(s)
                String joined = String.join("\n", firstLines);
                return joined.contains("\"request_id\"") && joined.contains("\"call_type\"");
            }
            List<String> h = TokenCsvReader.lower(Csv.splitLine(s));
            return h.contains("request_id") && h.contains("spend") && h.contains("prompt_tokens");
        }
        return false;
    }

    @Override
    public Stream<LogRecord> read(Path file, ReadOptions options, ReadProblems problems) throws IOException {
        String first;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int c;
            do {
                c = r.read();
            } while (c != -1 && Character.isWhitespace(c));
            first = c == -1 ? "" : String.valueOf((char) c);
        }
        if (first.equals("[")) return jsonArray(file, problems);
        if (first.equals("{")) return Lines.map(file, problems, (no, line) -> {
            try {
                return fromJson(no, Json.MAPPER.readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return csv(file, problems);
    }

    private Stream<LogRecord> jsonArray(Path file, ReadProblems problems) throws IOException {
        JsonParser p = STREAMING.createParser(Files.newBufferedReader(file, StandardCharsets.UTF_8));
        p.nextToken(); // START_ARRAY
        return RowStream.of(emit -> {
            try {
                JsonToken t = p.nextToken();
                if (t == null || t == JsonToken.END_ARRAY) return false;
                long line = p.currentTokenLocation().getLineNr();
                JsonNode n = STREAMING.readTree(p);
                try {
                    emit.accept(fromJson(line, n));
                } catch (RuntimeException e) {
                    problems.add(file, line, Lines.message(e));
                }
                return true;
            } catch (IOException e) {
                problems.add(file, p.currentLocation().getLineNr(), Lines.message(e) + " (rest of the file skipped)");
                return false;
            }
        }, p);
    }

    private Stream<LogRecord> csv(Path file, ReadProblems problems) throws IOException {
        return Csv.records(file, problems, header -> {
            List<String> h = header.stream().map(String::strip).toList();
            return new Csv.Columns(h.size(), "LiteLLM spend log columns", (line, f) -> {
                ObjectNode n = JsonNodeFactory.instance.objectNode();
                for (int i = 0; i < h.size(); i++) n.put(h.get(i), f.get(i));
                return fromJson(line, n);
            });
        });
    }

    static LogRecord fromJson(long line, JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("expected a JSON object (a LiteLLM spend log row)");
        if (!n.hasNonNull("request_id")) throw new IllegalArgumentException("missing 'request_id'");
        String start = text(n, "startTime");
        if (start == null) start = text(n, "start_time");
        JsonNode metadata = json(n.get("metadata"));
        JsonNode tags = json(n.get("request_tags"));
        String feature = null;
        if (tags != null && tags.isArray() && !tags.isEmpty()) feature = tags.get(0).asText();
        else if (metadata != null && metadata.path("tags").isArray() && !metadata.path("tags").isEmpty()) {
            feature = metadata.path("tags").get(0).asText();
        }
        JsonNode messages = json(n.get("messages"));
        JsonNode response = json(n.get("response"));
        if (messages != null && messages.isObject() && messages.has("messages")) messages = messages.get("messages");
        if (messages != null && (messages.isObject() && messages.isEmpty() || messages.isArray() && messages.isEmpty())) messages = null;
        if (response != null && response.isObject() && response.isEmpty()) response = null;
        long in = number(n, "prompt_tokens");
        long out = number(n, "completion_tokens");
        if (in < 0 && messages == null) throw new IllegalArgumentException("neither prompt_tokens nor messages");
        String user = text(n, "end_user");
        if (user == null || user.isBlank()) user = text(n, "user");
        JsonNode request = JsonNodeFactory.instance.objectNode();
        return ChatShapes.record(line, Times.parse(start), text(n, "model"), feature, user, messages, request, response,
                new long[] {in, out});
    }

    private static String text(JsonNode n, String f) {
        JsonNode v = n.get(f);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static long number(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull() || v.asText().isBlank()) return -1;
        if (v.isNumber()) return v.asLong();
        return (long) Double.parseDouble(v.asText().strip());
    }

    /** A JSON value, or a string holding JSON, or null when empty. */
    private static JsonNode json(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (v.isTextual()) {
            String s = v.asText().strip();
            if (s.isEmpty() || s.equals("{}") || s.equals("[]")) return null;
            if (s.startsWith("{") || s.startsWith("[")) {
                try {
                    return Json.MAPPER.readTree(s);
                } catch (IOException e) {
                    return v;
                }
            }
            return v;
        }
        return v;
    }
}
