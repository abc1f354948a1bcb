package dev.tokenwise.audit.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.audit.find.Findings;
import dev.tokenwise.core.context.HistoryTrimmer;
import dev.tokenwise.core.context.PromptCacheMarker;
import dev.tokenwise.core.context.TrimPlan;
import dev.tokenwise.core.context.TrimPolicy;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.Message;
import dev.tokenwise.gateway.context.ContextConfig;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The replay's own stages for the strategies the gateway's stages cannot replay from a log, each
 * configured from the same {@code context} section: trimming and prompt caching work on token
 * counts (the request's {@code metadata}) because logs abbreviate or drop long histories while the
 * gateway's trim and prompt-cache stages count and mark real message text (trimming still plans
 * with the gateway's {@link HistoryTrimmer} policy); batching applies the batch discount because
 * the gateway's batch stage waits on an upstream batch job. Cache, routing and output caps are the
 * gateway's own stages.
 */
final class SimStages {
    private SimStages() {}

    static ObjectNode audit(Exchange ex) {
        return (ObjectNode) ex.request().body().path(CostModelProvider.FIELD);
    }

    static Exchange withAudit(Exchange ex, ObjectNode a) {
        return ex.withRequest(ex.request().withField(CostModelProvider.FIELD, a));
    }

    /**
     * History trimming on the routes the context config trims: the gateway's trimming policy
     * ({@link HistoryTrimmer}, with the route's budget, last turns kept, pins and summary size)
     * planned over the logged conversation's shape — its message count, its system prompt's tokens
     * and the rest of its logged input split evenly over the other messages — because a log
     * rarely keeps whole conversations. The summary is priced at the route's summary budget.
     */
    static final class Trim implements Stage {
        private final ContextConfig config;

        Trim(ContextConfig config) {
            this.config = config;
        }

        @Override
        public Reply handle(Exchange ex, Chain next) {
            ContextConfig.RouteConfig route = config.route(ex.feature(), ex.request().model());
            if (route == null || route.trim() == null) return next.proceed(ex);
            TrimPolicy policy = route.trim().policy();
            ObjectNode a = audit(ex);
            long in = a.path("input").asLong();
            if (in <= policy.budgetTokens()) return next.proceed(ex);
            long removed = removedTokens(in, a.path("system_tokens").asLong(), a.has("system_hash"), a.path("msg_count").asInt(), policy);
            if (removed <= 0) return next.proceed(ex);
            ObjectNode b = a.deepCopy();
            b.put("input", in - removed);
            b.put("cached", Math.min(b.path("cached").asLong(), in - removed));
            return next.proceed(withAudit(ex, b)).withApplied(new Applied(Applied.TRIM, "removed " + removed + " tokens"));
        }

        /** Prompt tokens trimming removes from a logged conversation (net of the summary that replaces them). */
        static long removedTokens(long input, long systemTokens, boolean hasSystem, int messageCount, TrimPolicy policy) {
            int system = hasSystem ? 1 : 0;
            int others = Math.max(1, messageCount - system);
            long rest = Math.max(0, input - TokenCounter.REPLY_PRIMING - (hasSystem ? systemTokens : 0));
            List<Message> messages = new ArrayList<>(others + system);
            Map<Message, Integer> tokens = new IdentityHashMap<>();
            if (hasSystem) put(messages, tokens, "system", (int) Math.min(Integer.MAX_VALUE, input - TokenCounter.REPLY_PRIMING - rest));
            for (int k = 0; k < others; k++) {
                // the conversation ends with the user's message: roles alternate back from it
                String role = (others - 1 - k) % 2 == 0 ? "user" : "assistant";
                long share = rest / others + (k < rest % others ? 1 : 0);
                put(messages, tokens, role, (int) Math.min(Integer.MAX_VALUE, share));
            }
            TrimPlan plan = HistoryTrimmer.plan(messages, policy, tokens::get);
            if (!plan.trimmed()) return 0;
            return (long) plan.tokensBefore() - plan.tokensKept() - policy.summaryMaxTokens();
        }

        private static void put(List<Message> messages, Map<Message, Integer> tokens, String role, int n) {
            Message m = Message.of(role, "");
            messages.add(m);
            tokens.put(m, n);
        }
    }

    /**
     * Provider prompt caching on the routes the context config enables it for: a system prompt
     * of at least the provider's minimum cacheable length, sent before on this model, is read
     * from the provider's cache (the cached-input price) instead of billed in full.
     */
    static final class PromptCache implements Stage {
        private final Set<String> seen = new HashSet<>();
        private final ContextConfig config;

        PromptCache(ContextConfig config) {
            this.config = config;
        }

        @Override
        public Reply handle(Exchange ex, Chain next) {
            ContextConfig.RouteConfig route = config.route(ex.feature(), ex.request().model());
            if (route == null || route.promptCache() == null || !route.promptCache().enabled()) return next.proceed(ex);
            ObjectNode a = audit(ex);
            long sys = a.path("system_tokens").asLong();
            String model = ex.request().model();
            int min = route.promptCache().minTokens() != null ? route.promptCache().minTokens() : PromptCacheMarker.defaultMinTokens(model);
            if (!a.hasNonNull("system_hash") || sys < min) return next.proceed(ex);
            boolean hit = !seen.add(model + '\u0000' + a.get("system_hash").asLong());
            if (!hit) return next.proceed(ex);
            ObjectNode b = a.deepCopy();
            long in = b.path("input").asLong();
            long cached = Math.max(b.path("cached").asLong(), Math.min(sys, in));
            b.put("cached", cached);
            Reply r = next.proceed(withAudit(ex, b));
            return r.withApplied(new Applied(Applied.PROMPT_CACHE, cached + " cached tokens"));
        }
    }

    /** Sends offline features through the batch API: the same calls at the batch discount. */
    static final class Batch implements Stage {
        private final Set<String> features;

        Batch(Set<String> features) {
            this.features = features;
        }

        @Override
        public Reply handle(Exchange ex, Chain next) {
            if (!features.contains(ex.feature())) return next.proceed(ex);
            Reply r = next.proceed(ex);
            List<UpstreamCall> calls = r.calls().stream()
                    .map(c -> new UpstreamCall(c.model(), c.provider(), c.usage(), c.latencyNanos(), Findings.BATCH_DISCOUNT))
                    .toList();
            return new Reply(r.response(), r.servedModel(), r.provider(), r.cacheStatus(), calls, r.applied())
                    .withApplied(new Applied(Applied.BATCH, "batch API"));
        }
    }
}
