package dev.tokenwise.core.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A complete chat completion in OpenAI's shape ({@code object: chat.completion}). Every provider
 * adapter returns this shape, so stages never see vendor formats. Immutable like a record, but a
 * class for the same reason as {@link ChatRequest}, and so that its JSON bytes are written once:
 * the exact cache stores the same bytes the client is sent.
 */
public final class ChatResponse {
    private final ObjectNode body;
    private volatile byte[] bytes;

    /** A response holding a copy of {@code body}: later changes to the caller's node do not reach it. */
    public ChatResponse(ObjectNode body) {
        this.body = body.deepCopy();
    }

    private ChatResponse(ObjectNode owned, boolean unused) {
        this.body = owned;
    }

    /**
     * Takes {@code owned} as it is, without a copy: for a node just parsed or built that nobody
     * else holds or will change.
     */
    public static ChatResponse owning(ObjectNode owned) {
        return new ChatResponse(owned, true);
    }

    /** The JSON body; read it, do not change it (derive a changed response with a {@code with...} method). */
    public ObjectNode body() { return body; }

    /** The body as UTF-8 JSON, written on first use; callers must not change the array. */
    public byte[] bytes() {
        byte[] b = bytes;
        if (b == null) bytes = b = Json.bytes(body);
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChatResponse r && r.body.equals(body);
    }

    @Override
    public int hashCode() { return body.hashCode(); }

    @Override
    public String toString() { return "ChatResponse[body=" + body + "]"; }

    /** Builds a single-choice assistant answer. */
    public static ChatResponse of(String id, String model, long created, String text, String finishReason, Usage usage) {
        ObjectNode b = Json.object();
        b.put("id", id);
        b.put("object", "chat.completion");
        b.put("created", created);
        b.put("model", model);
        ArrayNode choices = b.putArray("choices");
        ObjectNode c = choices.addObject();
        c.put("index", 0);
        ObjectNode m = c.putObject("message");
        m.put("role", "assistant");
        m.put("content", text);
        m.putNull("refusal");
        c.putNull("logprobs");
        c.put("finish_reason", finishReason);
        if (usage != null) b.set("usage", usage.toOpenAi());
        return owning(b);
    }

    public String id() { return body.path("id").asText(); }

    public String model() { return body.path("model").asText(); }

    public long created() { return body.path("created").asLong(); }

    /** The first choice's text content ("" when it has none). */
    public String text() {
        JsonNode c = body.path("choices").path(0).path("message").path("content");
        return c.isTextual() ? c.asText() : "";
    }

    public String finishReason() {
        JsonNode f = body.path("choices").path(0).path("finish_reason");
        return f.isTextual() ? f.asText() : null;
    }

    /** Provider-reported usage, or null when the response carries none. */
    public Usage usage() { return Usage.fromOpenAi(body.get("usage")); }

    public ChatResponse withUsage(Usage usage) {
        ObjectNode b = body.deepCopy();
        b.set("usage", usage.toOpenAi());
        return owning(b);
    }

    public ChatResponse withModel(String model) {
        ObjectNode b = body.deepCopy();
        b.put("model", model);
        return owning(b);
    }

    public ChatResponse withId(String id, long created) {
        ObjectNode b = body.deepCopy();
        b.put("id", id);
        b.put("created", created);
        return owning(b);
    }

    public ObjectNode toJson() { return body.deepCopy(); }
}
