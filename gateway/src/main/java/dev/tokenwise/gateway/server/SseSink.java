package dev.tokenwise.gateway.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.wire.Chunks;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.pipeline.ChunkSink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes chunks to the client as server-sent events, exactly as OpenAI does: {@code data: {json}}
 * lines separated by a blank line, {@code data: [DONE]} at the end. Headers are committed with the
 * first chunk, so failures before it can still become a normal JSON error (or a transparent retry).
 */
final class SseSink implements ChunkSink {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR_EVENT = "event: error\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpCall call;
    private final Map<String, String> headers;
    private final boolean includeUsage;
    private volatile boolean started;
    private volatile boolean cancelled;
    private OutputStream out;

    SseSink(HttpCall call, Map<String, String> headers, boolean includeUsage) {
        this.call = call;
        this.headers = headers;
        this.includeUsage = includeUsage;
    }

    @Override
    public synchronized void send(ObjectNode chunk) {
        if (cancelled) throw new ClientGoneException(null);
        if (!includeUsage) {
            if (Chunks.isUsageOnly(chunk)) return;
            if (chunk.has("usage")) {
                chunk = chunk.deepCopy();
                chunk.remove("usage");
            }
        }
        try {
            start();
            out.write(DATA);
            out.write(Json.bytes(chunk));
            out.write(END);
            out.flush();
        } catch (IOException e) {
            cancelled = true;
            throw new ClientGoneException(e);
        }
    }

    private void start() throws IOException {
        if (started) return;
        call.status(200).contentType("text/event-stream; charset=utf-8");
        call.header("Cache-Control", "no-cache");
        call.header("X-Accel-Buffering", "no");
        headers.forEach(call::header);
        out = call.openStream();
        started = true;
    }

    /** Ends a successful stream with {@code data: [DONE]}. */
    synchronized void done() {
        try {
            start();
            out.write(DONE);
            out.flush();
        } catch (IOException e) {
            cancelled = true;
        }
    }

    /**
     * Ends a failed stream with an error event, never with [DONE]: the client must see it failed.
     * The error goes out twice: as a plain {@code data:} event (what OpenAI sends; the OpenAI SDKs
     * raise on it) and as a named {@code event: error} (what LangChain4j raises on; it ignores
     * the plain one). A client that stopped at the first never reads the second.
     */
    synchronized void fail(GatewayException e) {
        if (cancelled) return;
        try {
            start();
            byte[] body = Json.bytes(ErrorMapper.body(e));
            out.write(DATA);
            out.write(body);
            out.write(END);
            out.write(ERROR_EVENT);
            out.write(DATA);
            out.write(body);
            out.write(END);
            out.flush();
        } catch (IOException io) {
            cancelled = true;
        }
    }

    @Override
    public boolean cancelled() { return cancelled; }

    @Override
    public boolean started() { return started; }
}
