package dev.tokenwise.gateway.observe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Message;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Structured request log: one JSON object per line per request on the {@code dev.tokenwise.requests}
 * logger. Built only from a {@link RequestObservation} (which holds no key material) and, when
 * {@code log_prompts} is on, the request's messages; headers are never read, so an
 * {@code Authorization} header cannot leak into it.
 */
public final class RequestLog {
    public static final String LOGGER = "dev.tokenwise.requests";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    /** Writes nothing. */
    public static final RequestLog NONE = new RequestLog(line -> {}, false, false);

    private final Consumer<String> out;
    private final boolean logPrompts;
    private final boolean enabled;

    private RequestLog(Consumer<String> out, boolean logPrompts, boolean enabled) {
        this.out = out;
        this.logPrompts = logPrompts;
        this.enabled = enabled;
    }

    /** The SLF4J logger at INFO. */
    public static RequestLog slf4j(boolean logPrompts) {
        return new RequestLog(LOG::info, logPrompts, true);
    }

    /** To any line consumer (tests, files). */
    public static RequestLog to(Consumer<String> out, boolean logPrompts) {
        return new RequestLog(out, logPrompts, true);
    }

    public boolean enabled() { return enabled; }

    public void write(RequestObservation r, ChatRequest original) {
        if (!enabled) return;
        out.accept(Json.write(line(r, original)));
    }

    ObjectNode line(RequestObservation r, ChatRequest original) {
        ObjectNode n = Json.object();
        n.put("event", "request");
        n.put("id", r.id());
        n.put("ts", r.time().toString());
        n.put("key_id", r.keyId());
        n.put("tenant", r.tenant());
        n.put("feature", r.feature());
        n.put("requested_model", r.requestedModel());
        n.put("served_model", r.servedModel());
        n.put("provider", r.provider());
        n.put("stream", r.stream());
        n.put("status", r.status());
        if (r.errorType() != null) n.put("error_type", r.errorType());
        if (r.errorCode() != null) n.put("error_code", r.errorCode());
        n.put("input_tokens", r.inputTokens());
        n.put("cached_tokens", r.cachedTokens());
        n.put("output_tokens", r.outputTokens());
        n.put("cost_usd", r.costUsd());
        n.put("baseline_usd", r.baselineUsd());
        n.put("saved_usd", r.savedUsd());
        ArrayNode s = n.putArray("strategies");
        r.strategies().forEach(s::add);
        n.put("cache_status", r.cacheStatus());
        n.put("latency_ms", r.latencyNanos() / 1e6);
        n.put("ttft_ms", r.ttftNanos() < 0 ? -1 : r.ttftNanos() / 1e6);
        n.put("upstream_calls", r.calls().size());
        if (logPrompts && original != null) {
            ArrayNode msgs = n.putArray("messages");
            for (Message m : original.messages()) msgs.add(m.toJson());
        }
        return n;
    }
}
