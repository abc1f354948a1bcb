package dev.tokenwise.audit.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.pipeline.ChunkSink;
import dev.tokenwise.gateway.provider.Provider;

/**
 * The {@code replay} provider: instead of calling a model it answers with the usage the log
 * recorded for the request, so the replay prices exactly what was sent. The request carries the
 * logged counts in its {@code metadata} ({@code input}, {@code cached}, {@code output}; metadata
 * is a transport field, so it never enters a cache key); a stage that trims the context or caches
 * the prompt rewrites them, and a {@code max_tokens} set by an output cap truncates the logged
 * output (the answer then ends with {@code finish_reason: length}, which the gateway's length
 * monitor watches). A routed request keeps its token counts (tokenizer differences between
 * vendors are ignored).
 */
public final class CostModelProvider implements Provider {
    static final String FIELD = "metadata";

    @Override
    public String name() { return "replay"; }

    @Override
    public ChatResponse complete(ChatRequest request, ModelConfig model) {
        JsonNode a = request.body().path(FIELD);
        long in = a.path("input").asLong();
        long cached = Math.min(in, a.path("cached").asLong());
        long out = a.path("output").asLong();
        String finish = "stop";
        if (request.maxTokens().isPresent() && out > request.maxTokens().getAsLong()) {
            out = request.maxTokens().getAsLong();
            finish = "length";
        }
        Usage u = new Usage(in, cached, 0, out, true);
        return ChatResponse.of("replay-" + a.path("idx").asLong(), request.model(), 0, "replayed answer", finish, u);
    }

    @Override
    public ChatResponse stream(ChatRequest request, ModelConfig model, ChunkSink sink) {
        // the replay never streams to a client: streamed requests are priced like their full answer
        return complete(request, model);
    }
}
