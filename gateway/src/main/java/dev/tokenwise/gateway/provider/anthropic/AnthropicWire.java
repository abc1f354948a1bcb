package dev.tokenwise.gateway.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Message;
import dev.tokenwise.core.wire.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Translation between OpenAI chat completions and Anthropic's Messages API, both ways. Pure
 * functions over JSON trees, so each mapping can be tested without a server.
 */
public final class AnthropicWire {
    /** Anthropic requires max_tokens; this is used when the client set no output cap. */
    static final int DEFAULT_MAX_TOKENS = 4096;

    private AnthropicWire() {}

    /** An OpenAI request as a Messages API request body. */
    static ObjectNode toAnthropic(ChatRequest request, String upstreamModel) {
        if (request.n() > 1) {
            throw GatewayException.invalidRequest("Invalid 'n': anthropic models answer one choice per request, n must be 1.", "n");
        }
        JsonNode b = request.body();
        ObjectNode out = Json.object();
        out.put("model", upstreamModel);
        out.put("max_tokens", request.maxTokens().orElse(DEFAULT_MAX_TOKENS));

        ArrayNode system = Json.array();
        List<ObjectNode> turns = new ArrayList<>();
        for (Message m : request.messages()) {
            String role = m.role();
            switch (role) {
                case "system", "developer" -> system.addAll(textBlocks(m));
                case "user" -> append(turns, "user", contentBlocks(m));
                case "assistant" -> append(turns, "assistant", assistantBlocks(m));
                case "tool", "function" -> append(turns, "user", toolResult(m));
                default -> throw GatewayException.invalidRequest("Unsupported role '" + role + "' for anthropic models.", "messages");
            }
        }
        if (!system.isEmpty()) {
            boolean plain = true;
            for (JsonNode s : system) if (s.has("cache_control") || !"text".equals(s.path("type").asText())) plain = false;
            if (plain) {
                List<String> texts = new ArrayList<>();
                system.forEach(s -> texts.add(s.path("text").asText()));
                out.put("system", String.join("\n\n", texts));
            } else {
                out.set("system", system);
            }
        }
        ArrayNode messages = out.putArray("messages");
        for (ObjectNode t : turns) messages.add(simplify(t));

        if (b.has("temperature") && b.get("temperature").isNumber()) {
            out.put("temperature", Math.min(1.0, b.get("temperature").asDouble()));
        }
        if (b.has("top_p") && b.get("top_p").isNumber()) out.set("top_p", b.get("top_p"));
        if (b.has("top_k") && b.get("top_k").isNumber()) out.set("top_k", b.get("top_k"));
        JsonNode stop = b.get("stop");
        if (stop != null && stop.isTextual()) out.putArray("stop_sequences").add(stop.asText());
        else if (stop != null && stop.isArray() && !stop.isEmpty()) out.set("stop_sequences", stop);
        if (b.path("user").isTextual()) out.putObject("metadata").put("user_id", b.get("user").asText());
        if (request.stream()) out.put("stream", true);

        JsonNode tools = b.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode at = out.putArray("tools");
            for (JsonNode t : tools) {
                JsonNode f = t.path("function");
                if (!f.isObject()) {
                    at.add(t); // already in Anthropic's shape (or a server tool): pass it on
                    continue;
                }
                ObjectNode x = at.addObject();
                x.put("name", f.path("name").asText());
                if (f.hasNonNull("description")) x.put("description", f.get("description").asText());
                JsonNode params = f.get("parameters");
                if (params != null && params.isObject()) x.set("input_schema", params);
                else x.putObject("input_schema").put("type", "object").putObject("properties");
                if (t.has("cache_control")) x.set("cache_control", t.get("cache_control"));
            }
        }
        ObjectNode choice = toolChoice(b.get("tool_choice"));
        if (b.path("parallel_tool_calls").isBoolean() && !b.get("parallel_tool_calls").asBoolean() && out.has("tools")) {
            if (choice == null) choice = Json.object().put("type", "auto");
            choice.put("disable_parallel_tool_use", true);
        }
        if (choice != null) {
            if ("none".equals(choice.path("type").asText()) || out.has("tools")) out.set("tool_choice", choice);
        }
        return out;
    }

    private static ObjectNode toolChoice(JsonNode c) {
        if (c == null || c.isNull()) return null;
        if (c.isTextual()) {
            return switch (c.asText()) {
                case "none" -> Json.object().put("type", "none");
                case "required" -> Json.object().put("type", "any");
                default -> Json.object().put("type", "auto");
            };
        }
        String name = c.path("function").path("name").asText(null);
        if (name != null) return Json.object().put("type", "tool").put("name", name);
        return null;
    }

    /** Adds blocks to the last turn when it has the same role (Anthropic wants alternating turns). */
    private static void append(List<ObjectNode> turns, String role, ArrayNode blocks) {
        if (blocks.isEmpty()) return;
        ObjectNode last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
        if (last != null && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("content")).addAll(blocks);
        } else {
            ObjectNode t = Json.object();
            t.put("role", role);
            t.set("content", blocks);
            turns.add(t);
        }
    }

    /** A turn with one plain text block becomes a string, as most clients write it. */
    private static ObjectNode simplify(ObjectNode turn) {
        ArrayNode c = (ArrayNode) turn.get("content");
        if (c.size() == 1 && c.get(0).size() == 2 && "text".equals(c.get(0).path("type").asText())) {
            ObjectNode t = Json.object();
            t.put("role", turn.get("role").asText());
            t.put("content", c.get(0).path("text").asText());
            return t;
        }
        return turn;
    }

    private static ArrayNode textBlocks(Message m) {
        ArrayNode out = Json.array();
        JsonNode c = m.content();
        if (c != null && c.isArray()) {
            for (JsonNode p : c) {
                if ("text".equals(p.path("type").asText())) out.add(textBlock(p.path("text").asText(), p.get("cache_control")));
            }
        } else {
            String t = m.text();
            if (!t.isEmpty()) out.add(textBlock(t, null));
        }
        messageCacheControl(m, out);
        return out;
    }

    private static ArrayNode contentBlocks(Message m) {
        ArrayNode out = Json.array();
        JsonNode c = m.content();
        if (c != null && c.isArray()) {
            for (JsonNode p : c) out.add(part(p));
        } else if (c != null && c.isTextual() && !c.asText().isEmpty()) {
            out.add(textBlock(c.asText(), null));
        }
        messageCacheControl(m, out);
        return out;
    }

    private static ArrayNode assistantBlocks(Message m) {
        ArrayNode out = contentBlocks(m);
        for (JsonNode tc : m.raw().path("tool_calls")) {
            ObjectNode u = out.addObject();
            u.put("type", "tool_use");
            u.put("id", tc.path("id").asText());
            u.put("name", tc.path("function").path("name").asText());
            u.set("input", arguments(tc.path("function").path("arguments").asText("{}")));
        }
        return out;
    }

    private static JsonNode arguments(String args) {
        try {
            JsonNode n = Json.parse(args.isBlank() ? "{}" : args);
            return n.isObject() ? n : Json.object();
        } catch (RuntimeException e) {
            throw GatewayException.invalidRequest("Invalid tool call arguments: not a JSON object: " + args, "messages");
        }
    }

    private static ArrayNode toolResult(Message m) {
        ArrayNode out = Json.array();
        ObjectNode r = out.addObject();
        r.put("type", "tool_result");
        String id = m.toolCallId() != null ? m.toolCallId() : Json.text(m.raw(), "name");
        r.put("tool_use_id", id == null ? "" : id);
        JsonNode c = m.content();
        if (c != null && c.isArray()) {
            ArrayNode parts = r.putArray("content");
            for (JsonNode p : c) parts.add(part(p));
        } else {
            r.put("content", m.text());
        }
        if (m.raw().has("cache_control")) r.set("cache_control", m.raw().get("cache_control"));
        return out;
    }

    /** Message-level cache_control marks the end of that message: it goes on its last block. */
    private static void messageCacheControl(Message m, ArrayNode blocks) {
        JsonNode cc = m.raw().get("cache_control");
        if (cc != null && !blocks.isEmpty()) ((ObjectNode) blocks.get(blocks.size() - 1)).set("cache_control", cc);
    }

    private static ObjectNode textBlock(String text, JsonNode cacheControl) {
        ObjectNode t = Json.object();
        t.put("type", "text");
        t.put("text", text);
        if (cacheControl != null && !cacheControl.isNull()) t.set("cache_control", cacheControl);
        return t;
    }

    private static ObjectNode part(JsonNode p) {
        String type = p.path("type").asText();
        if (type.equals("text")) return textBlock(p.path("text").asText(), p.get("cache_control"));
        if (type.equals("image_url")) {
            String url = p.path("image_url").isTextual() ? p.path("image_url").asText() : p.path("image_url").path("url").asText();
            ObjectNode img = Json.object();
            img.put("type", "image");
            ObjectNode src = img.putObject("source");
            if (url.startsWith("data:") && url.contains(";base64,")) {
                src.put("type", "base64");
                src.put("media_type", url.substring(5, url.indexOf(';')));
                src.put("data", url.substring(url.indexOf(";base64,") + 8));
            } else {
                src.put("type", "url");
                src.put("url", url);
            }
            if (p.has("cache_control")) img.set("cache_control", p.get("cache_control"));
            return img;
        }
        return (ObjectNode) p.deepCopy(); // an Anthropic-native block (document, image, ...): as it came
    }

    /** A Messages API response as an OpenAI chat completion. */
    public static ChatResponse toOpenAi(JsonNode msg, long created) {
        ObjectNode b = Json.object();
        b.put("id", msg.path("id").asText());
        b.put("object", "chat.completion");
        b.put("created", created);
        b.put("model", msg.path("model").asText());
        ObjectNode choice = b.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode m = choice.putObject("message");
        m.put("role", "assistant");
        StringBuilder text = new StringBuilder();
        boolean sawText = false;
        ArrayNode calls = Json.array();
        for (JsonNode block : msg.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> {
                    text.append(block.path("text").asText());
                    sawText = true;
                }
                case "tool_use" -> {
                    ObjectNode tc = calls.addObject();
                    tc.put("id", block.path("id").asText());
                    tc.put("type", "function");
                    ObjectNode f = tc.putObject("function");
                    f.put("name", block.path("name").asText());
                    f.put("arguments", Json.write(block.path("input").isMissingNode() ? Json.object() : block.get("input")));
                }
                default -> { } // thinking and server-tool blocks have no OpenAI equivalent
            }
        }
        if (sawText || calls.isEmpty()) m.put("content", text.toString()); else m.putNull("content");
        m.putNull("refusal");
        if (!calls.isEmpty()) m.set("tool_calls", calls);
        choice.putNull("logprobs");
        String finish = finishReason(Json.text(msg, "stop_reason"));
        if (finish != null) choice.put("finish_reason", finish); else choice.putNull("finish_reason");
        b.set("usage", usage(msg.path("usage")).toOpenAi());
        return ChatResponse.owning(b);
    }

    static String finishReason(String stopReason) {
        if (stopReason == null) return null;
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, pause_turn
        };
    }

    /** Anthropic usage: prompt = input + cache read + cache write, as all three are input tokens. */
    static Usage usage(JsonNode u) {
        long input = u.path("input_tokens").asLong(0);
        long read = u.path("cache_read_input_tokens").asLong(0);
        long write = u.path("cache_creation_input_tokens").asLong(0);
        long output = u.path("output_tokens").asLong(0);
        return new Usage(input + read + write, read, write, output, true);
    }

    /** Status of an Anthropic error type (as sent in a stream's error event). */
    static int statusOf(String errorType) {
        if (errorType == null) return 500;
        return switch (errorType) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case "overloaded_error" -> 529;
            default -> 500;
        };
    }
}
