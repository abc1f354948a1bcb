package dev.tokenwise.audit.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.audit.find.Findings;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The replay's policy stages, one per {@link Strategy}, working on the request's logged
 * fingerprints ({@code x_audit}) because a log rarely keeps whole conversations. Each is a real
 * {@link Stage} in a real {@link dev.tokenwise.gateway.pipeline.Pipeline}; the gateway's own
 * cache, routing and context stages replace them in {@link ReplayPipeline#stageFor} as they land.
 */
final class SimStages {
    private SimStages() {}

    static Reply cacheHit(Exchange ex, String status, String strategy) {
        ChatResponse r = ChatResponse.of("cached", ex.request().model(), 0, "", "stop", Usage.ZERO);
        return new Reply(r, ex.request().model(), "cache", status, List.of(), List.of(new Applied(strategy, status)));
    }

    static ObjectNode audit(Exchange ex) {
        return (ObjectNode) ex.request().body().path(CostModelProvider.FIELD);
    }

    static Exchange withAudit(Exchange ex, ObjectNode a) {
        return ex.withRequest(ex.request().withField(CostModelProvider.FIELD, a));
    }

    /** An exact cache: the same model and messages seen before is answered without a call. */
    static final class ExactCache implements Stage {
        private final Set<String> seen = new HashSet<>();

        @Override
        public Reply handle(Exchange ex, Chain next) {
            ObjectNode a = audit(ex);
            if (!a.path("has_text").asBoolean()) return next.proceed(ex);
            String key = ex.request().model() + '\u0000' + a.path("req_hash").asLong();
            if (seen.contains(key)) return cacheHit(ex, "hit-exact", Applied.CACHE_EXACT);
            Reply r = next.proceed(ex);
            seen.add(key);
            return r;
        }
    }

    /** A semantic cache: a near-duplicate (same SimHash cluster, same model) of an earlier prompt is answered from it. */
    static final class SemanticCache implements Stage {
        private final Set<String> seen = new HashSet<>();

        @Override
        public Reply handle(Exchange ex, Chain next) {
            ObjectNode a = audit(ex);
            if (!a.hasNonNull("cluster")) return next.proceed(ex);
            String key = ex.request().model() + '\u0000' + a.get("cluster").asLong();
            if (seen.contains(key)) return cacheHit(ex, "hit-semantic", Applied.CACHE_SEMANTIC);
            Reply r = next.proceed(ex);
            seen.add(key);
            return r;
        }
    }

    /** Routes small-tier tasks (FAQ, extraction, classification) on top-tier models to the vendor's small model. */
    static final class Routing implements Stage {
        private static final Set<String> SMALL_TASKS = Set.of("faq", "extraction", "classification");

        @Override
        public Reply handle(Exchange ex, Chain next) {
            ObjectNode a = audit(ex);
            if (!"large".equals(a.path("tier").asText()) || !SMALL_TASKS.contains(a.path("task").asText())) return next.proceed(ex);
            String to = a.path("small_model").asText();
            Reply r = next.proceed(ex.withRequest(ex.request().withModel(to)));
            return r.withApplied(new Applied(Applied.ROUTING, ex.request().model() + " -> " + to));
        }
    }

    /** Trims bloated contexts to the plan's token budget. */
    static final class Trim implements Stage {
        private final long budget;

        Trim(long budget) {
            this.budget = budget;
        }

        @Override
        public Reply handle(Exchange ex, Chain next) {
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

        @Override
        public Reply handle(Exchange ex, Chain next) {
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

    /** Sets max_tokens on requests without one, per feature. */
    static final class OutputCap implements Stage {
        private final java.util.Map<String, Long> caps;

        OutputCap(java.util.Map<String, Long> caps) {
            this.caps = caps;
        }

        @Override
        public Reply handle(Exchange ex, Chain next) {
            Long cap = caps.get(ex.feature());
            if (cap == null || ex.request().maxTokens().isPresent()) return next.proceed(ex);
            ChatRequest capped = ex.request().withMaxTokens(cap);
            return next.proceed(ex.withRequest(capped)).withApplied(new Applied(Applied.OUTPUT_CAP, "max_tokens " + cap));
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
