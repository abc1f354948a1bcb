package dev.tokenwise.gateway.stage;

import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import dev.tokenwise.gateway.provider.ModelRegistry;
import java.util.function.LongSupplier;

/** The last stage: calls the provider adapter bound to the request's (possibly routed) model. */
public final class ProviderStage implements Stage {
    private final ModelRegistry registry;
    private final LongSupplier nanoTime;

    public ProviderStage(ModelRegistry registry, LongSupplier nanoTime) {
        this.registry = registry;
        this.nanoTime = nanoTime;
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        ModelRegistry.Binding b = registry.resolve(ex.request().model());
        long start = nanoTime.getAsLong();
        ChatResponse response = ex.streaming()
                ? b.provider().stream(ex.request(), b.model(), ex.sink())
                : b.provider().complete(ex.request(), b.model());
        Usage usage = response.usage() != null ? response.usage() : Usage.ZERO;
        UpstreamCall call = new UpstreamCall(ex.request().model(), b.provider().name(), usage, nanoTime.getAsLong() - start);
        return Reply.fromProvider(response, call);
    }
}
