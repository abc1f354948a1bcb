package dev.tokenwise.core.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folds a sequence of {@code chat.completion.chunk} objects back into the complete response they
 * describe, so a streamed answer can be cached, priced and logged like a non-streamed one.
 * Not thread-safe: one assembler per stream.
 */
public final class StreamAssembler {
    private String id = "";
    private String model = "";
    private long created;
    private String systemFingerprint;
    private JsonNode usage;
    private final Map<Integer, Choice> choices = new TreeMap<>();

    private static final class Choice {
        final StringBuilder content = new StringBuilder();
        String role = "assistant";
        String finishReason;
        boolean sawContent;
        StringBuilder refusal;
        final Map<Integer, ObjectNode> toolCalls = new TreeMap<>();
    }

    public void accept(JsonNode chunk) {
        if (chunk.hasNonNull("id")) id = chunk.get("id").asText();
        if (chunk.hasNonNull("model")) model = chunk.get("model").asText();
        if (chunk.hasNonNull("created")) created = chunk.get("created").asLong();
        if (chunk.hasNonNull("system_fingerprint")) systemFingerprint = chunk.get("system_fingerprint").asText();
        if (chunk.hasNonNull("usage") && chunk.get("usage").isObject()) usage = chunk.get("usage");
        for (JsonNode c : chunk.path("choices")) {
            Choice ch = choices.computeIfAbsent(c.path("index").asInt(0), k -> new Choice());
            JsonNode delta = c.path("delta");
            if (delta.hasNonNull("role")) ch.role = delta.get("role").asText();
            if (delta.hasNonNull("content")) {
                ch.content.append(delta.get("content").asText());
                ch.sawContent = true;
            }
            if (delta.hasNonNull("refusal")) {
                if (ch.refusal == null) ch.refusal = new StringBuilder();
                ch.refusal.append(delta.get("refusal").asText());
            }
            for (JsonNode tc : delta.path("tool_calls")) {
                int idx = tc.path("index").asInt(0);
                ObjectNode acc = ch.toolCalls.computeIfAbsent(idx, k -> {
                    ObjectNode n = Json.object();
                    n.put("id", "");
                    n.put("type", "function");
                    ObjectNode f = n.putObject("function");
                    f.put("name", "");
                    f.put("arguments", "");
                    return n;
                });
                if (tc.hasNonNull("id")) acc.put("id", tc.get("id").asText());
                if (tc.hasNonNull("type")) acc.put("type", tc.get("type").asText());
                JsonNode f = tc.path("function");
                ObjectNode af = (ObjectNode) acc.get("function");
                if (f.hasNonNull("name")) af.put("name", af.get("name").asText() + f.get("name").asText());
                if (f.hasNonNull("arguments")) af.put("arguments", af.get("arguments").asText() + f.get("arguments").asText());
            }
            if (c.hasNonNull("finish_reason")) ch.finishReason = c.get("finish_reason").asText();
        }
    }

    /** True once some choice has a finish_reason: the answer is complete. */
    public boolean finished() {
        return !choices.isEmpty() && choices.values().stream().allMatch(c -> c.finishReason != null);
    }

    public Usage usage() { return Usage.fromOpenAi(usage); }

    public ChatResponse toResponse() {
        ObjectNode b = Json.object();
        b.put("id", id);
        b.put("object", "chat.completion");
        b.put("created", created);
        b.put("model", model);
        ArrayNode arr = b.putArray("choices");
        for (Map.Entry<Integer, Choice> e : choices.entrySet()) {
            Choice ch = e.getValue();
            ObjectNode c = arr.addObject();
            c.put("index", e.getKey());
            ObjectNode m = c.putObject("message");
            m.put("role", ch.role);
            if (ch.sawContent || ch.toolCalls.isEmpty()) m.put("content", ch.content.toString());
            else m.putNull("content");
            if (ch.refusal != null) m.put("refusal", ch.refusal.toString()); else m.putNull("refusal");
            if (!ch.toolCalls.isEmpty()) {
                ArrayNode tcs = m.putArray("tool_calls");
                ch.toolCalls.values().forEach(tcs::add);
            }
            c.putNull("logprobs");
            if (ch.finishReason != null) c.put("finish_reason", ch.finishReason); else c.putNull("finish_reason");
        }
        if (usage != null) b.set("usage", usage.deepCopy());
        if (systemFingerprint != null) b.put("system_fingerprint", systemFingerprint);
        return new ChatResponse(b);
    }
}
