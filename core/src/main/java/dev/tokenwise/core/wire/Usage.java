package dev.tokenwise.core.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Token usage of one upstream call, normalised across providers.
 *
 * @param promptTokens all input tokens, including the cached ones and (Anthropic) cache writes
 * @param cachedTokens input tokens read from the provider's prompt cache (OpenAI cached_tokens,
 *     Anthropic cache_read_input_tokens); a subset of promptTokens
 * @param cacheWriteTokens input tokens written to the provider's prompt cache (Anthropic
 *     cache_creation_input_tokens); a subset of promptTokens
 * @param completionTokens generated tokens
 * @param reported true when the provider reported these numbers, false when we counted them
 */
public record Usage(long promptTokens, long cachedTokens, long cacheWriteTokens, long completionTokens,
                    boolean reported) {
    public static final Usage ZERO = new Usage(0, 0, 0, 0, false);

    public Usage {
        if (promptTokens < 0 || cachedTokens < 0 || cacheWriteTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0");
        }
    }

    public static Usage counted(long prompt, long completion) {
        return new Usage(prompt, 0, 0, completion, false);
    }

    public long totalTokens() { return promptTokens + completionTokens; }

    /** Input tokens billed at the plain input price. */
    public long uncachedPromptTokens() { return Math.max(0, promptTokens - cachedTokens - cacheWriteTokens); }

    /** Reads an OpenAI-shaped usage object; null when absent. */
    public static Usage fromOpenAi(JsonNode u) {
        if (u == null || !u.isObject()) return null;
        long prompt = u.path("prompt_tokens").asLong(0);
        long completion = u.path("completion_tokens").asLong(0);
        long cached = u.path("prompt_tokens_details").path("cached_tokens").asLong(0);
        long written = u.path("prompt_tokens_details").path("cache_write_tokens").asLong(0);
        return new Usage(prompt, Math.min(cached, prompt), Math.min(written, prompt), completion, true);
    }

    public ObjectNode toOpenAi() {
        ObjectNode u = Json.object();
        u.put("prompt_tokens", promptTokens);
        u.put("completion_tokens", completionTokens);
        u.put("total_tokens", totalTokens());
        ObjectNode d = u.putObject("prompt_tokens_details");
        d.put("cached_tokens", cachedTokens);
        if (cacheWriteTokens > 0) d.put("cache_write_tokens", cacheWriteTokens);
        return u;
    }

    public Usage plus(Usage o) {
        return new Usage(promptTokens + o.promptTokens, cachedTokens + o.cachedTokens,
                cacheWriteTokens + o.cacheWriteTokens, completionTokens + o.completionTokens, reported && o.reported);
    }
}
