package dev.tokenwise.gateway.provider;

import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.pipeline.ChunkSink;

/**
 * One upstream vendor's API behind the shape the gateway speaks (OpenAI chat completions). Each
 * vendor has one adapter; an OpenAI-compatible vendor is configuration of the {@code openai}
 * adapter, not code. Adapters translate both ways and normalise every failure to a
 * {@link dev.tokenwise.core.error.GatewayException} naming the provider.
 */
public interface Provider extends AutoCloseable {
    /** The adapter's name as used in configuration ("openai", "anthropic", "mock", "replay"). */
    String name();

    /**
     * Answers a non-streaming request. The returned response always carries usage: the provider's
     * report when it sent one, otherwise a count.
     *
     * @param request the request, whose {@code model} is the gateway's model name
     * @param model the configured model to call (upstream id, base URL, key)
     */
    ChatResponse complete(ChatRequest request, ModelConfig model);

    /**
     * Answers a streaming request by sending OpenAI chunks to {@code sink} as they arrive, without
     * buffering the whole answer; returns the assembled answer (with usage) once the stream ends.
     * Stops and cancels the upstream call when {@code sink.cancelled()} turns true.
     */
    ChatResponse stream(ChatRequest request, ModelConfig model, ChunkSink sink);

    @Override
    default void close() {}
}
