package dev.tokenwise.core.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * Places Anthropic prompt-cache breakpoints ({@code cache_control: {type: ephemeral}}) on the
 * stable prefix of a conversation: after the leading system messages and after the history that
 * precedes the latest user message (which the next turn will send again unchanged). A breakpoint is
 * only placed where the prefix up to it reaches the provider's minimum cacheable length, never
 * more than {@link #MAX_BREAKPOINTS} in total, and never when the client placed its own.
 */
public final class PromptCacheMarker {
    /** Anthropic accepts at most four cache breakpoints per request. */
    public static final int MAX_BREAKPOINTS = 4;

    private PromptCacheMarker() {}

    /** The marked messages and how many breakpoints were added (0: unchanged). */
    public record Result(List<Message> messages, int breakpoints, int cachedPrefixTokens) {}

    /** Anthropic's minimum cacheable prompt length for a model: 2048 tokens for Haiku, 1024 otherwise. */
    public static int defaultMinTokens(String model) {
        return model != null && model.toLowerCase(java.util.Locale.ROOT).contains("haiku") ? 2048 : 1024;
    }

    public static Result mark(List<Message> messages, int minTokens, int maxBreakpoints, TokenCounter counter) {
        int existing = 0;
        for (Message m : messages) existing += countExisting(m.raw());
        int available = Math.min(maxBreakpoints, MAX_BREAKPOINTS) - existing;
        if (existing > 0 || available <= 0 || messages.isEmpty()) return new Result(messages, 0, 0);

        List<Integer> candidates = new ArrayList<>();
        int leadingSystemEnd = -1;
        for (int k = 0; k < messages.size(); k++) {
            String role = messages.get(k).role();
            if ("system".equals(role) || "developer".equals(role)) leadingSystemEnd = k; else break;
        }
        if (leadingSystemEnd >= 0) candidates.add(leadingSystemEnd);
        int lastUser = -1;
        for (int k = messages.size() - 1; k >= 0; k--) {
            if ("user".equals(messages.get(k).role())) { lastUser = k; break; }
        }
        if (lastUser - 1 > leadingSystemEnd) candidates.add(lastUser - 1);

        List<Message> out = new ArrayList<>(messages);
        int placed = 0;
        int prefixTokens = 0;
        // candidates ascend: each prefix extends the last one, so only the new messages are counted
        int counted = 0;
        int messageTokens = 0;
        for (int idx : candidates) {
            if (placed >= available) break;
            messageTokens += counter.countMessages(messages.subList(counted, idx + 1)) - TokenCounter.REPLY_PRIMING;
            counted = idx + 1;
            int prefix = messageTokens + TokenCounter.REPLY_PRIMING;
            if (prefix < minTokens) continue;
            Message marked = withBreakpoint(messages.get(idx));
            if (marked == null) continue;
            out.set(idx, marked);
            placed++;
            prefixTokens = prefix;
        }
        return new Result(placed == 0 ? messages : List.copyOf(out), placed, prefixTokens);
    }

    private static int countExisting(JsonNode raw) {
        int n = raw.has("cache_control") ? 1 : 0;
        JsonNode c = raw.get("content");
        if (c != null && c.isArray()) for (JsonNode part : c) if (part.has("cache_control")) n++;
        return n;
    }

    /** The message with an ephemeral breakpoint on its last text part, or null if it has none. */
    static Message withBreakpoint(Message m) {
        ObjectNode raw = m.toJson();
        JsonNode c = raw.get("content");
        ArrayNode parts;
        if (c != null && c.isTextual()) {
            if (c.asText().isEmpty()) return null;
            parts = Json.array();
            parts.addObject().put("type", "text").put("text", c.asText());
            raw.set("content", parts);
        } else if (c != null && c.isArray()) {
            parts = (ArrayNode) c;
        } else {
            return null;
        }
        for (int k = parts.size() - 1; k >= 0; k--) {
            if ("text".equals(parts.get(k).path("type").asText()) && parts.get(k).isObject()) {
                ((ObjectNode) parts.get(k)).putObject("cache_control").put("type", "ephemeral");
                return new Message(raw);
            }
        }
        return null;
    }
}
