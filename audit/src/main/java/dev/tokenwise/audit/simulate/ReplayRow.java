package dev.tokenwise.audit.simulate;

/** One logged request as the replay needs it (read back from the audit store). */
record ReplayRow(long idx, long tsMs, String model, String feature, long reqHash, Long cluster, String task, String tier,
                 String smallModel, long input, long cached, long output, long maxTokens, boolean stream,
                 Long systemHash, long systemTokens, boolean hasText) {
}
