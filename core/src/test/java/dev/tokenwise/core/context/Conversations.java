package dev.tokenwise.core.context;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Message;
import java.util.ArrayList;
import java.util.List;

/** Builds test conversations. */
final class Conversations {
    private Conversations() {}

    static final String FILLER = "Could you explain the next step in a bit more detail, including the reasons behind it and "
            + "what usually goes wrong at this point when people try it for the first time";

    /** A system prompt, {@code turns} user/assistant pairs and a final question. */
    static List<Message> chat(int turns, String firstUser, String lastUser) {
        List<Message> m = new ArrayList<>();
        m.add(Message.of("system", "You are a helpful support agent for Acme."));
        m.add(Message.of("user", firstUser));
        m.add(Message.of("assistant", "Thanks, noted. How can I help further?"));
        for (int i = 0; i < turns; i++) {
            m.add(Message.of("user", FILLER + " (step " + (char) ('a' + i % 26) + ")?"));
            m.add(Message.of("assistant", "Sure. " + FILLER.replace("Could you explain", "Here is") + "."));
        }
        m.add(Message.of("user", lastUser));
        return m;
    }

    static Message toolCall(String id) {
        ObjectNode n = Json.object();
        n.put("role", "assistant");
        n.putNull("content");
        ObjectNode call = n.putArray("tool_calls").addObject();
        call.put("id", id).put("type", "function");
        call.putObject("function").put("name", "lookup").put("arguments", "{\"q\":\"" + FILLER + "\"}");
        return new Message(n);
    }

    static Message toolResult(String id) {
        ObjectNode n = Json.object();
        n.put("role", "tool");
        n.put("tool_call_id", id);
        n.put("content", "result for " + id + ": " + FILLER);
        return new Message(n);
    }
}
