package dev.tokenwise.audit.read;

import java.time.Instant;

/**
 * One logged LLM request, normalised from whatever format it was read from. Text fields are null
 * when the log does not carry text (token-only logs); findings that need text then report
 * themselves as not applicable.
 *
 * @param line where the record starts in its file (1-based), for messages
 * @param time when the request was made
 * @param model the model the client asked for
 * @param feature the feature tag ("untagged" when the log has none)
 * @param user the end user or API key the log names, or null
 * @param system the system prompt text, or null
 * @param prompt the last user message text, or null
 * @param messageCount messages in the request (0 when unknown)
 * @param inputTokens prompt tokens billed
 * @param cachedTokens prompt tokens read from the provider's prompt cache
 * @param outputTokens completion tokens billed
 * @param maxTokens the output cap the client set, or -1 when none (or unknown)
 * @param stream true when the client streamed the answer
 * @param answer the answer text, or null
 * @param systemTokens tokens of the system prompt (0 when unknown)
 * @param requestHash a hash of every message's role and text (what an exact cache keys on), 0 without text
 */
public record LogRecord(long line, Instant time, String model, String feature, String user, String system,
                        String prompt, int messageCount, long inputTokens, long cachedTokens, long outputTokens,
                        long maxTokens, boolean stream, String answer, long systemTokens, long requestHash) {
    public LogRecord {
        if (model == null || model.isBlank()) model = "unknown";
        if (feature == null || feature.isBlank()) feature = "untagged";
        if (inputTokens < 0 || outputTokens < 0 || cachedTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0");
        }
    }

    /** True when the log carried the prompt's text (not only token counts). */
    public boolean hasText() { return prompt != null; }

    public LogRecord withModel(String m) {
        return new LogRecord(line, time, m, feature, user, system, prompt, messageCount, inputTokens, cachedTokens,
                outputTokens, maxTokens, stream, answer, systemTokens, requestHash);
    }
}
