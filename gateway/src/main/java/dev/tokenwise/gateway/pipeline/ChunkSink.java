package dev.tokenwise.gateway.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a streaming answer's chunks go, one {@code chat.completion.chunk} at a time. Stages may
 * wrap the sink they were given (to observe, time or rewrite chunks) before calling the next stage.
 */
public interface ChunkSink {
    /** Sends one chunk towards the client. Throws when the client is gone. */
    void send(ObjectNode chunk);

    /** True once the client has disconnected: producers should stop and cancel upstream work. */
    boolean cancelled();

    /** True once at least one chunk reached the client; after that, failures are sent in-stream. */
    boolean started();

    /** A sink for non-streaming requests: it must never be written to. */
    ChunkSink NONE = new ChunkSink() {
        @Override public void send(ObjectNode chunk) { throw new IllegalStateException("not a streaming request"); }
        @Override public boolean cancelled() { return false; }
        @Override public boolean started() { return false; }
    };
}
