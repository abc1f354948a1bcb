package dev.tokenwise.gateway.context;

import dev.tokenwise.core.context.Deduplicator;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;

/** Removes repeated system prompts and documents pasted twice, on routes with a {@code dedup} section. */
public final class DedupStage implements Stage {
    private final ContextConfig config;

    public DedupStage(ContextConfig config) {
        this.config = config;
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        ContextConfig.RouteConfig route = config.route(ex.feature(), ex.request().model());
        if (route == null || route.dedup() == null || !route.dedup().enabled()) return next.proceed(ex);
        Deduplicator.Result r = Deduplicator.dedup(ex.request().messages(), route.dedup().minBlockChars(),
                TokenCounter.forModel(ex.request().model()));
        if (!r.changed()) return next.proceed(ex);
        Reply reply = next.proceed(ex.withRequest(ex.request().withMessages(r.messages())));
        return reply.withApplied(new Applied(Applied.DEDUP, "removed " + r.tokensRemoved() + " tokens ("
                + r.systemRemoved() + " repeated system prompts, " + r.blocksRemoved() + " repeated blocks)"));
    }
}
