package dev.tokenwise.audit.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.audit.find.Findings;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The replay's own stages for the strategies the gateway's stages cannot replay from a log:
 * trimming and prompt caching work on token counts (the request's {@code metadata}) because logs
 * abbreviate or drop long histories, and the gateway's trim and prompt-cache stages count and mark
 * real message text; batching applies the batch discount because the gateway's batch stage waits
 * on an upstream batch job. Cache, routing and output caps are the gateway's own stages.
 */
final class SimStages {
    private SimStages() {}

    static ObjectNode audit(Exchange ex) {
        return (ObjectNode) ex.request().body().path(CostModelProvider.FIELD);
    }

    static Exchange withAudit(Exchange ex, ObjectNode a) {
        return ex.withRequest(ex.request().withField(CostModelProvider.FIELD, a));
    }

    /** Trims bloated contexts on the plan's trim features to its token budget. */
    static final class Trim implements Stage {
        private final long budget;
        private final Set<String> features;

        Trim(long budget, Set<String> features) {
            this.budget = budget;
            this.features = features;
        }

        @Override
        public Reply handle(Exchange ex, Chain next) {
            if (!features.contains(ex.feature())) return next.proceed(ex);
            ObjectNode a = audit(ex).deepCopy();
            long in = a.path("input").asLong();
            long out = a.path("output").asLong();
            if (in <= budget || in < Findings.BLOAT_RATIO * Math.max(out, 1)) return next.proceed(ex);
            a.put("input", budget);
            a.put("cached", Math.min(a.path("cached").asLong(), budget));
            Reply r = next.proceed(withAudit(ex, a));
            return r.withApplied(new Applied(Applied.TRIM, "removed " + (in - budget) + " tokens"));
        }
    }

    /** Provider prompt caching: a long system prompt sent before on this model is read from the provider's cache. */
    static final class PromptCache implements Stage {
        private final Set<String> seen = new HashSet<>();
        private final Set<String> features;

        PromptCache(Set<String> features) {
            this.features = features;
        }

        @Override
        public Reply handle(Exchange ex, Chain next) {
            if (!features.contains(ex.feature())) return next.proceed(ex);
            ObjectNode a = audit(ex);
            long sys = a.path("system_tokens").asLong();
            if (!a.hasNonNull("system_hash") || sys < Findings.PROMPT_CACHE_MIN) return next.proceed(ex);
            boolean hit = !seen.add(ex.request().model() + '\u0000' + a.get("system_hash").asLong());
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
