package dev.tokenwise.core.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One chat message as the client sent it. The raw JSON is kept whole so fields we do not model
 * (name, tool_calls, tool_call_id, cache_control, ...) reach the upstream unchanged.
 */
public record Message(ObjectNode raw) {
    public Message {
        raw = raw.deepCopy();
    }

    public static Message of(String role, String content) {
        ObjectNode n = Json.object();
        n.put("role", role);
        n.put("content", content);
        return new Message(n);
    }

    public String role() { return Json.text(raw, "role"); }

    /** The content node: a string, an array of parts, or null (assistant tool calls). */
    public JsonNode content() { return raw.get("content"); }

    /** All text in the message: the string content, or the text parts joined by newlines. */
    public String text() { return textOf(raw.get("content")); }

    /** The text of a content node (string, array of parts, or null) as {@link #text()} reads it. */
    public static String textOf(JsonNode c) {
        if (c == null || c.isNull()) return "";
        if (c.isTextual()) return c.asText();
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                JsonNode t = part.get("text");
                if (t != null && t.isTextual()) {
                    if (!sb.isEmpty()) sb.append('\n');
                    sb.append(t.asText());
                }
            }
            return sb.toString();
        }
        return c.toString();
    }

    public boolean hasToolCalls() {
        JsonNode t = raw.get("tool_calls");
        return t != null && t.isArray() && !t.isEmpty();
    }

    public String toolCallId() { return Json.text(raw, "tool_call_id"); }

    /** A copy of the raw JSON, safe to modify. */
    public ObjectNode toJson() { return raw.deepCopy(); }

    public Message withText(String text) {
        ObjectNode n = raw.deepCopy();
        n.put("content", text);
        return new Message(n);
    }
}
