package dev.tokenwise.gateway.pipeline;

import dev.tokenwise.core.wire.ChatRequest;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One request as it travels down the pipeline. The client's original request is kept next to the
 * current (possibly routed, trimmed or capped) one, so accounting can price the unoptimised
 * baseline. Stages derive changed copies with {@code with...}; only the response-header bag and
 * the attachments are shared, so any stage can add a header before the first byte is written, and
 * a stage can hand what it already worked out (the authenticated key, the price) to another stage
 * instead of that stage working it out again.
 */
public final class Exchange {
    private final String id;
    private final Instant receivedAt;
    private final long startNanos;
    private final ChatRequest original;
    private final ChatRequest request;
    private final Map<String, String> headers;
    private final Principal principal;
    private final ChunkSink sink;
    private final Map<String, String> responseHeaders;
    private final Map<Class<?>, Object> attachments;

    private Exchange(String id, Instant receivedAt, long startNanos, ChatRequest original, ChatRequest request,
                     Map<String, String> headers, Principal principal, ChunkSink sink,
                     Map<String, String> responseHeaders, Map<Class<?>, Object> attachments) {
        this.id = id;
        this.receivedAt = receivedAt;
        this.startNanos = startNanos;
        this.original = original;
        this.request = request;
        this.headers = headers;
        this.principal = principal;
        this.sink = sink;
        this.responseHeaders = responseHeaders;
        this.attachments = attachments;
    }

    /**
     * A new exchange. Header names are lower-cased; {@code startNanos} is from
     * {@link System#nanoTime()} (or a test clock) and is used for latency.
     */
    public static Exchange create(String id, Instant receivedAt, long startNanos, ChatRequest request,
                                  Map<String, String> headers, ChunkSink sink) {
        Map<String, String> h = new HashMap<>(headers.size() * 2);
        headers.forEach((k, v) -> { if (k != null && v != null) h.put(k.toLowerCase(Locale.ROOT), v); });
        return new Exchange(id, receivedAt, startNanos, request, request, Map.copyOf(h), Principal.ANONYMOUS,
                sink == null ? ChunkSink.NONE : sink, new ConcurrentHashMap<>(), new ConcurrentHashMap<>(4));
    }

    public String id() { return id; }
    public Instant receivedAt() { return receivedAt; }
    public long startNanos() { return startNanos; }
    /** The request exactly as the client sent it. */
    public ChatRequest original() { return original; }
    /** The request as the stages have shaped it so far. */
    public ChatRequest request() { return request; }
    public Principal principal() { return principal; }
    public ChunkSink sink() { return sink; }
    public boolean streaming() { return request.stream(); }

    /** A request header by lower-case name, or null. */
    public String header(String name) { return headers.get(name.toLowerCase(Locale.ROOT)); }

    public Map<String, String> headers() { return headers; }

    /** The feature tag from {@code x-tokenwise-feature}, or "untagged". */
    public String feature() {
        String f = header("x-tokenwise-feature");
        return f == null || f.isBlank() ? "untagged" : f;
    }

    /** Headers to add to the response (set before the first byte is written). */
    public Map<String, String> responseHeaders() { return responseHeaders; }

    /** Attaches a value for later stages of this request, one per type (shared by every copy of this exchange). */
    public <T> void attach(Class<T> type, T value) {
        attachments.put(type, type.cast(value));
    }

    /** The value a stage attached for this type, or null. */
    public <T> T attached(Class<T> type) {
        return type.cast(attachments.get(type));
    }

    public Exchange withRequest(ChatRequest r) {
        return new Exchange(id, receivedAt, startNanos, original, r, headers, principal, sink, responseHeaders, attachments);
    }

    public Exchange withPrincipal(Principal p) {
        return new Exchange(id, receivedAt, startNanos, original, request, headers, p, sink, responseHeaders, attachments);
    }

    public Exchange withSink(ChunkSink s) {
        return new Exchange(id, receivedAt, startNanos, original, request, headers, principal, s, responseHeaders, attachments);
    }
}
