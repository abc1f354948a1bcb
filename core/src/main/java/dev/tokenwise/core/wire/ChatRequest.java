package dev.tokenwise.core.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A chat completion request in OpenAI's shape. The whole JSON body is kept, so fields tokenwise
 * does not model are passed to OpenAI-compatible upstreams untouched; stages derive changed
 * copies with the {@code with...} methods. Immutable like a record, but a class: a record's
 * constructor would copy again every body that parsing or a {@code with...} method has just built
 * and nobody else holds, and each copy is garbage on the request path.
 */
public final class ChatRequest {
    private final ObjectNode body;

    /** A request holding a copy of {@code body}: later changes to the caller's node do not reach it. */
    public ChatRequest(ObjectNode body) {
        this.body = body.deepCopy();
    }

    private ChatRequest(ObjectNode owned, boolean unused) {
        this.body = owned;
    }

    /** Takes {@code owned} as it is, without a copy: for a node just parsed or built that nobody else holds. */
    private static ChatRequest owning(ObjectNode owned) {
        return new ChatRequest(owned, true);
    }

    /** The JSON body; read it, do not change it (derive a changed request with a {@code with...} method). */
    public ObjectNode body() { return body; }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChatRequest r && r.body.equals(body);
    }

    @Override
    public int hashCode() { return body.hashCode(); }

    @Override
    public String toString() { return "ChatRequest[body=" + body + "]"; }

    /**
     * Parses and validates a request body; every client mistake becomes a 400 naming the field.
     */
    public static ChatRequest parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw GatewayException.invalidJson("The request body is empty; expected a JSON object.");
        }
        if (!validUtf8(bytes)) throw GatewayException.invalidJson("The request body is not valid UTF-8.");
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw GatewayException.invalidJson("We could not parse the JSON body of your request: "
                    + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ").");
        } catch (IOException e) {
            throw GatewayException.invalidJson("We could not read the JSON body of your request.");
        }
        if (node == null || !node.isObject()) {
            throw GatewayException.invalidJson("The request body must be a JSON object.");
        }
        ChatRequest r = owning((ObjectNode) node);
        r.validate();
        return r;
    }

    /**
     * Whether {@code b} is well-formed UTF-8 (RFC 3629: shortest form, no surrogates, at most
     * U+10FFFF), checked in place: decoding the body only to check it would copy it twice over.
     */
    static boolean validUtf8(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int more;
            int lo = 0x80;
            int hi = 0xbf;
            if (c >= 0xc2 && c <= 0xdf) {
                more = 1;
            } else if (c >= 0xe0 && c <= 0xef) {
                more = 2;
                if (c == 0xe0) lo = 0xa0; // shorter forms exist
                if (c == 0xed) hi = 0x9f; // U+D800..U+DFFF are surrogates
            } else if (c >= 0xf0 && c <= 0xf4) {
                more = 3;
                if (c == 0xf0) lo = 0x90; // shorter forms exist
                if (c == 0xf4) hi = 0x8f; // beyond U+10FFFF
            } else {
                return false;
            }
            if (i + more >= n) return false; // cut short
            int second = b[i + 1] & 0xff;
            if (second < lo || second > hi) return false;
            for (int k = 2; k <= more; k++) {
                int cont = b[i + k] & 0xff;
                if (cont < 0x80 || cont > 0xbf) return false;
            }
            i += more + 1;
        }
        return true;
    }

    private void validate() {
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) throw GatewayException.invalidRequest("Missing required parameter: 'model'.", "model");
        if (!model.isTextual() || model.asText().isBlank()) {
            throw GatewayException.invalidRequest("Invalid type for 'model': expected a non-empty string.", "model");
        }
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw GatewayException.invalidRequest("Missing required parameter: 'messages'.", "messages");
        }
        if (!messages.isArray()) {
            throw GatewayException.invalidRequest("Invalid type for 'messages': expected an array of message objects.", "messages");
        }
        if (messages.isEmpty()) {
            throw GatewayException.invalidRequest("Invalid 'messages': empty array. Expected an array with at least one message.", "messages");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String p = "messages[" + i + "]";
            if (!m.isObject()) throw GatewayException.invalidRequest("Invalid type for '" + p + "': expected an object.", p);
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) {
                throw GatewayException.invalidRequest("Missing or invalid '" + p + ".role': expected a string.", p + ".role");
            }
            String r = role.asText();
            if (!List.of("system", "developer", "user", "assistant", "tool", "function").contains(r)) {
                throw GatewayException.invalidRequest("Invalid value for '" + p + ".role': '" + r
                        + "'. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool', 'function'.", p + ".role");
            }
            JsonNode c = m.get("content");
            boolean toolCalls = m.has("tool_calls") || m.has("function_call");
            if (c == null || c.isNull()) {
                if (!(r.equals("assistant") && toolCalls)) {
                    throw GatewayException.invalidRequest("Missing required parameter: '" + p + ".content'.", p + ".content");
                }
            } else if (!c.isTextual() && !c.isArray()) {
                throw GatewayException.invalidRequest("Invalid type for '" + p + ".content': expected a string or an array of content parts.", p + ".content");
            } else if (c.isArray()) {
                for (int j = 0; j < c.size(); j++) {
                    if (!c.get(j).isObject() || !c.get(j).path("type").isTextual()) {
                        throw GatewayException.invalidRequest("Invalid content part '" + p + ".content[" + j + "]': expected an object with a 'type'.", p + ".content[" + j + "]");
                    }
                }
            }
        }
        checkType("stream", JsonNode::isBoolean, "a boolean");
        checkType("temperature", JsonNode::isNumber, "a number");
        checkType("top_p", JsonNode::isNumber, "a number");
        checkType("max_tokens", JsonNode::isIntegralNumber, "an integer");
        checkType("max_completion_tokens", JsonNode::isIntegralNumber, "an integer");
        checkType("n", JsonNode::isIntegralNumber, "an integer");
        checkType("stream_options", JsonNode::isObject, "an object");
        checkType("tools", JsonNode::isArray, "an array");
        checkType("user", JsonNode::isTextual, "a string");
        for (String f : List.of("max_tokens", "max_completion_tokens")) {
            JsonNode v = body.get(f);
            if (v != null && v.isIntegralNumber() && v.asLong() < 1) {
                throw GatewayException.invalidRequest("Invalid '" + f + "': must be at least 1, was " + v.asText() + ".", f);
            }
        }
        JsonNode t = body.get("temperature");
        if (t != null && t.isNumber() && (t.asDouble() < 0 || t.asDouble() > 2)) {
            throw GatewayException.invalidRequest("Invalid 'temperature': must be between 0 and 2, was " + t.asText() + ".", "temperature");
        }
        JsonNode n = body.get("n");
        if (n != null && n.isIntegralNumber() && (n.asLong() < 1 || n.asLong() > 128)) {
            throw GatewayException.invalidRequest("Invalid 'n': must be between 1 and 128, was " + n.asText() + ".", "n");
        }
    }

    private void checkType(String field, java.util.function.Predicate<JsonNode> ok, String expected) {
        JsonNode v = body.get(field);
        if (v != null && !v.isNull() && !ok.test(v)) {
            throw GatewayException.invalidRequest("Invalid type for '" + field + "': expected " + expected
                    + ", but got " + v.getNodeType().name().toLowerCase() + ".", field);
        }
    }

    public String model() { return body.path("model").asText(); }

    public boolean stream() { return body.path("stream").asBoolean(false); }

    /** True when a streaming client asked for the final usage chunk. */
    public boolean includeUsage() { return body.path("stream_options").path("include_usage").asBoolean(false); }

    public List<Message> messages() {
        List<Message> out = new ArrayList<>();
        for (JsonNode m : body.path("messages")) out.add(new Message((ObjectNode) m));
        return List.copyOf(out);
    }

    /** The output cap the client asked for (max_completion_tokens wins over max_tokens). */
    public OptionalLong maxTokens() {
        JsonNode v = body.get("max_completion_tokens");
        if (v == null || !v.isIntegralNumber()) v = body.get("max_tokens");
        return v != null && v.isIntegralNumber() ? OptionalLong.of(v.asLong()) : OptionalLong.empty();
    }

    public OptionalDouble temperature() {
        JsonNode v = body.get("temperature");
        return v != null && v.isNumber() ? OptionalDouble.of(v.asDouble()) : OptionalDouble.empty();
    }

    public int n() { return Math.max(1, body.path("n").asInt(1)); }

    public boolean hasTools() {
        JsonNode t = body.get("tools");
        return (t != null && t.isArray() && !t.isEmpty()) || body.has("functions");
    }

    public ChatRequest withModel(String model) {
        ObjectNode b = body.deepCopy();
        b.put("model", model);
        return owning(b);
    }

    public ChatRequest withMessages(List<Message> messages) {
        ObjectNode b = body.deepCopy();
        ArrayNode arr = b.putArray("messages");
        for (Message m : messages) arr.add(m.toJson());
        return owning(b);
    }

    /** Sets the output cap in the field the client used (max_completion_tokens or max_tokens). */
    public ChatRequest withMaxTokens(long max) {
        ObjectNode b = body.deepCopy();
        if (b.has("max_completion_tokens")) b.put("max_completion_tokens", max);
        else b.put("max_tokens", max);
        return owning(b);
    }

    public ChatRequest withField(String field, JsonNode value) {
        ObjectNode b = body.deepCopy();
        if (value == null) b.remove(field); else b.set(field, value);
        return owning(b);
    }

    /** A copy of the body, safe to modify. */
    public ObjectNode toJson() { return body.deepCopy(); }
}
