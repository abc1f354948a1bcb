package dev.tokenwise.audit.read;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.Message;
import java.time.Instant;

/** Turns an OpenAI-shaped request body and response body into a {@link LogRecord}; shared by the JSON-carrying formats. */
final class ChatShapes {
    private ChatShapes() {}

    /**
     * @param messages the request's {@code messages} array
     * @param request the request body (for model, max_tokens, stream), may be empty
     * @param response the response body (for usage and answer), may be missing
     * @param logged token counts the log states itself (LiteLLM columns), or null
     */
    static LogRecord record(long line, Instant time, String model, String feature, String user, JsonNode messages,
                            JsonNode request, JsonNode response, long[] logged) {
        if (model == null || model.isBlank()) model = request.path("model").asText(null);
        if (model == null || model.isBlank()) model = response == null ? null : response.path("model").asText(null);
        if (model == null || model.isBlank()) throw new IllegalArgumentException("no model in the request");
        String system = null;
        String prompt = null;
        int count = 0;
        long hash = 0;
        if (messages != null && messages.isArray()) {
            hash = Hash64.FNV_OFFSET;
            StringBuilder sys = new StringBuilder();
            for (JsonNode m : messages) {
                count++;
                String role = m.path("role").asText("");
                String text = Message.textOf(m.get("content"));
                hash = Hash64.mix(Hash64.mix(hash, role), text);
                if (role.equals("system") || role.equals("developer")) {
                    if (!sys.isEmpty()) sys.append('\n');
                    sys.append(text);
                } else if (role.equals("user")) {
                    prompt = text;
                }
            }
            if (!sys.isEmpty()) system = sys.toString();
            if (prompt == null) prompt = "";
        } else if (messages != null && messages.isTextual()) {
            prompt = messages.asText();
            count = 1;
            hash = Hash64.mix(Hash64.mix(Hash64.FNV_OFFSET, "user"), prompt);
        }
        String answer = null;
        long in = -1;
        long cached = 0;
        long out = -1;
        if (response != null && response.isObject()) {
            JsonNode c = response.path("choices").path(0).path("message").path("content");
            if (c.isTextual()) answer = c.asText();
            JsonNode u = response.get("usage");
            if (u != null && u.isObject()) {
                in = u.path("prompt_tokens").asLong(-1);
                out = u.path("completion_tokens").asLong(-1);
                cached = u.path("prompt_tokens_details").path("cached_tokens").asLong(0);
            }
        } else if (response != null && response.isTextual()) {
            answer = response.asText();
        }
        if (logged != null) {
            if (logged[0] >= 0) in = logged[0];
            if (logged[1] >= 0) out = logged[1];
        }
        TokenCounter counter = TokenCounter.forModel(model);
        if (in < 0) {
            if (prompt == null) throw new IllegalArgumentException("no usage and no messages to count tokens from");
            in = counter.count(system) + counter.count(prompt) + 3L * Math.max(1, count) + 3;
        }
        if (out < 0) out = answer == null ? 0 : counter.count(answer);
        long max = request.path("max_completion_tokens").asLong(request.path("max_tokens").asLong(-1));
        boolean stream = request.path("stream").asBoolean(false);
        long systemTokens = system == null ? 0 : Math.min(in, systemTokens(counter, system));
        return new LogRecord(line, time, model, feature, user, system, prompt, count, in, Math.min(cached, in), out,
                max, stream, answer, systemTokens, hash);
    }

    private static final java.util.Map<String, Integer> SYSTEM_TOKENS = new java.util.concurrent.ConcurrentHashMap<>();

    /** System prompts repeat across a log: count each distinct one once (bounded memo). */
    private static int systemTokens(TokenCounter counter, String system) {
        String key = counter.encodingName() + '\u0000' + system;
        Integer n = SYSTEM_TOKENS.get(key);
        if (n == null) {
            if (SYSTEM_TOKENS.size() > 10_000) SYSTEM_TOKENS.clear();
            n = counter.count(system);
            SYSTEM_TOKENS.put(key, n);
        }
        return n;
    }
}
