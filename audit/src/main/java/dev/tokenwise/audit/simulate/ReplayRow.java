package dev.tokenwise.audit.simulate;

/**
 * One logged request as the replay needs it (read back from the audit store).
 *
 * @param prompt the last user message as logged (first 4,000 characters), or null for token-only rows
 * @param msgCount messages in the logged request
 */
record ReplayRow(long idx, long tsMs, String model, String feature, long reqHash, String smallModel, long input, long cached,
                 long output, long maxTokens, boolean stream, Long systemHash, long systemTokens, boolean hasText,
                 String prompt, int msgCount) {
}
