package dev.tokenwise.gateway.context;

import java.util.Map;

/** Built-in concise-answer instructions by task type (a short system-message addition). */
final class Instructions {
    private Instructions() {}

    static final Map<String, String> BY_TASK = Map.of(
            "chat", "Answer concisely: at most three short sentences unless the user explicitly asks for more detail.",
            "support", "Answer the customer's question directly in at most three sentences; no greeting or sign-off.",
            "code", "Reply with the code change and at most two sentences of explanation; do not restate the question or repeat unchanged code.",
            "extraction", "Return only the requested fields in the requested format, with no commentary.",
            "classification", "Answer with the label only.",
            "summary", "Keep the summary under 100 words.");
}
