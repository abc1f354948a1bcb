package dev.tokenwise.core.cache;

import dev.tokenwise.core.Hashing;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Cache keys for chat requests: a SHA-256 over a canonical form of every field that can change the
 * answer. Objects are written with sorted keys and numbers in their shortest exact form, so JSON
 * key order, insignificant whitespace and {@code 0} vs {@code 0.0} never change a key; message text
 * is kept byte for byte, because whitespace inside a prompt can change the answer.
 */
public final class CacheKey {
    /**
     * Fields that only shape the transport or the bookkeeping, never the answer's content. Every
     * other field (including ones tokenwise does not model) is part of the key, so an unknown
     * answer-changing parameter can never be served a wrong answer.
     */
    public static final Set<String> TRANSPORT_FIELDS = Set.of("stream", "stream_options", "user", "metadata", "store");

    private CacheKey() {}

    /** The exact-cache key of a request inside a namespace (tenant and route). */
    public static String exact(String tenant, String route, ChatRequest request) {
        StringBuilder sb = new StringBuilder(256).append(tenant).append('\u0000').append(route).append('\u0000');
        // the body as canonical() writes it after answerFields(), without copying it
        writeObject(request.body(), TRANSPORT_FIELDS, sb);
        return Hashing.sha256Hex(sb.toString());
    }

    /**
     * The semantic-cache namespace of a request: tenant, route and everything except the last
     * user message's text (system prompt, earlier turns, model and sampling parameters), so a
     * paraphrase can only hit an answer given in the same conversation context with the same
     * parameters.
     */
    public static String semanticNamespace(String tenant, String route, ChatRequest request) {
        ObjectNode body = answerFields(request.toJson());
        JsonNode messages = body.get("messages");
        if (messages instanceof ArrayNode arr) {
            int last = lastUserIndex(arr);
            if (last >= 0) ((ObjectNode) arr.get(last)).put("content", "\u0000last-user-message\u0000");
        }
        return Hashing.sha256Hex("semantic\u0000" + tenant + '\u0000' + route + '\u0000' + canonical(body));
    }

    /** The text of the last user message, or null when there is none. */
    public static String lastUserText(ChatRequest request) {
        var messages = request.messages();
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).role())) return messages.get(i).text();
        }
        return null;
    }

    private static int lastUserIndex(ArrayNode arr) {
        for (int i = arr.size() - 1; i >= 0; i--) {
            if ("user".equals(arr.get(i).path("role").asText())) return i;
        }
        return -1;
    }

    private static ObjectNode answerFields(ObjectNode body) {
        TRANSPORT_FIELDS.forEach(body::remove);
        return body;
    }

    /** The canonical JSON text of a node: sorted object keys, no whitespace, normalised numbers. */
    public static String canonical(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(node, sb);
        return sb.toString();
    }

    private static void write(JsonNode n, StringBuilder sb) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            sb.append("null");
        } else if (n.isObject()) {
            writeObject(n, Set.of(), sb);
        } else if (n.isArray()) {
            sb.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) sb.append(',');
                write(n.get(i), sb);
            }
            sb.append(']');
        } else if (n.isNumber()) {
            BigDecimal d = n.decimalValue().stripTrailingZeros();
            sb.append(d.signum() == 0 ? "0" : d.toPlainString());
        } else if (n.isTextual()) {
            quoted(n.textValue(), sb);
        } else {
            sb.append(Json.write(n));
        }
    }

    private static void writeObject(JsonNode n, Set<String> skipped, StringBuilder sb) {
        List<String> names = new ArrayList<>(n.size());
        n.fieldNames().forEachRemaining(name -> {
            if (!skipped.contains(name)) names.add(name);
        });
        Collections.sort(names);
        sb.append('{');
        boolean first = true;
        for (String name : names) {
            if (!first) sb.append(',');
            first = false;
            quoted(name, sb);
            sb.append(':');
            write(n.get(name), sb);
        }
        sb.append('}');
    }

    /** A JSON string literal with Jackson's default escaping, as {@link Json#write} writes it. */
    private static void quoted(String s, StringBuilder sb) {
        sb.append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, sb);
        sb.append('"');
    }

}
