package dev.tokenwise.core.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Builds OpenAI {@code chat.completion.chunk} objects, e.g. to replay a cached answer as a stream. */
public final class Chunks {
    private Chunks() {}

    public static ObjectNode base(String id, String model, long created) {
        ObjectNode c = Json.object();
        c.put("id", id);
        c.put("object", "chat.completion.chunk");
        c.put("created", created);
        c.put("model", model);
        return c;
    }

    public static ObjectNode role(String id, String model, long created) {
        ObjectNode c = base(id, model, created);
        ObjectNode ch = c.putArray("choices").addObject();
        ch.put("index", 0);
        ObjectNode d = ch.putObject("delta");
        d.put("role", "assistant");
        d.put("content", "");
        d.putNull("refusal");
        ch.putNull("logprobs");
        ch.putNull("finish_reason");
        return c;
    }

    public static ObjectNode content(String id, String model, long created, String text) {
        ObjectNode c = base(id, model, created);
        ObjectNode ch = c.putArray("choices").addObject();
        ch.put("index", 0);
        ch.putObject("delta").put("content", text);
        ch.putNull("logprobs");
        ch.putNull("finish_reason");
        return c;
    }

    public static ObjectNode finish(String id, String model, long created, String finishReason) {
        ObjectNode c = base(id, model, created);
        ObjectNode ch = c.putArray("choices").addObject();
        ch.put("index", 0);
        ch.putObject("delta");
        ch.putNull("logprobs");
        ch.put("finish_reason", finishReason);
        return c;
    }

    /** The final usage chunk sent when {@code stream_options.include_usage} is set: empty choices. */
    public static ObjectNode usage(String id, String model, long created, Usage usage) {
        ObjectNode c = base(id, model, created);
        c.putArray("choices");
        c.set("usage", usage.toOpenAi());
        return c;
    }

    /** True for the trailing usage-only chunk (no choices, a usage object). */
    public static boolean isUsageOnly(JsonNode chunk) {
        JsonNode ch = chunk.get("choices");
        return (ch == null || (ch.isArray() && ch.isEmpty())) && chunk.path("usage").isObject();
    }

    /**
     * Splits a complete response into the chunks a streaming upstream would have sent, word by
     * word, ending with a usage chunk when the response has usage.
     */
    public static List<ObjectNode> fromResponse(ChatResponse r) {
        List<ObjectNode> out = new ArrayList<>();
        String id = r.id();
        String model = r.model();
        long created = r.created();
        for (JsonNode choice : r.body().path("choices")) {
            int index = choice.path("index").asInt(0);
            ObjectNode first = role(id, model, created);
            setIndex(first, index);
            out.add(first);
            JsonNode msg = choice.path("message");
            JsonNode toolCalls = msg.path("tool_calls");
            if (toolCalls.isArray() && !toolCalls.isEmpty()) {
                ObjectNode c = base(id, model, created);
                ObjectNode ch = c.putArray("choices").addObject();
                ch.put("index", index);
                ArrayNode tcs = ch.putObject("delta").putArray("tool_calls");
                int i = 0;
                for (JsonNode tc : toolCalls) {
                    ObjectNode t = tc.deepCopy();
                    t.put("index", i++);
                    tcs.add(t);
                }
                ch.putNull("logprobs");
                ch.putNull("finish_reason");
                out.add(c);
            }
            String text = msg.path("content").isTextual() ? msg.path("content").asText() : "";
            for (String piece : splitWords(text)) {
                ObjectNode c = content(id, model, created, piece);
                setIndex(c, index);
                out.add(c);
            }
            ObjectNode fin = finish(id, model, created, choice.path("finish_reason").asText("stop"));
            setIndex(fin, index);
            out.add(fin);
        }
        Usage u = r.usage();
        if (u != null) out.add(usage(id, model, created, u));
        return out;
    }

    private static void setIndex(ObjectNode chunk, int index) {
        ((ObjectNode) chunk.get("choices").get(0)).put("index", index);
    }

    /** Splits text into pieces that keep their leading whitespace, so joining them restores it. */
    public static List<String> splitWords(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i)) && !Character.isWhitespace(text.charAt(i - 1))) {
                out.add(text.substring(start, i));
                start = i;
            }
        }
        if (start < text.length()) out.add(text.substring(start));
        return out;
    }
}
