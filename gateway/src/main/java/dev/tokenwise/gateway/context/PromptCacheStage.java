package dev.tokenwise.gateway.context;

import dev.tokenwise.core.context.PromptCacheMarker;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.provider.ModelRegistry;

/**
 * Inserts Anthropic prompt-cache breakpoints on the stable prefix (system prompt, earlier history)
 * for models served by the {@code anthropic} provider. OpenAI-compatible providers cache prefixes by
 * themselves; their {@code cached_tokens} reach the usage and are priced at the cached-input price.
 */
public final class PromptCacheStage implements Stage {
    private final ContextConfig config;
    private final ModelRegistry registry;

    public PromptCacheStage(ContextConfig config, ModelRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        ContextConfig.RouteConfig route = config.route(ex.feature(), ex.request().model());
        if (route == null || route.promptCache() == null || !route.promptCache().enabled()) return next.proceed(ex);
        String model = ex.request().model();
        var binding = registry.find(model);
        if (binding.isEmpty() || !"anthropic".equals(binding.get().model().provider())) return next.proceed(ex);
        String upstream = binding.get().model().upstreamModel() != null ? binding.get().model().upstreamModel() : model;
        int min = route.promptCache().minTokens() != null ? route.promptCache().minTokens() : PromptCacheMarker.defaultMinTokens(upstream);
        PromptCacheMarker.Result r = PromptCacheMarker.mark(ex.request().messages(), min, route.promptCache().maxBreakpoints(),
                TokenCounter.forModel(upstream));
        if (r.breakpoints() == 0) return next.proceed(ex);
        Reply reply = next.proceed(ex.withRequest(ex.request().withMessages(r.messages())));
        return reply.withApplied(new Applied(Applied.PROMPT_CACHE, r.breakpoints() + " cache breakpoints, "
                + r.cachedPrefixTokens() + "-token stable prefix"));
    }
}
