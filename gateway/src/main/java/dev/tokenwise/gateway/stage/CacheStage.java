package dev.tokenwise.gateway.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.cache.CacheKey;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Chunks;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.cache.CacheConfig;
import dev.tokenwise.gateway.cache.ResponseCache;
import dev.tokenwise.gateway.cache.SemanticCache;
import dev.tokenwise.gateway.cache.SemanticIndex;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Answers repeated questions without an upstream call. Exact hits first (same canonical request
 * in the same tenant and route), then semantic hits (a verified paraphrase of the last user
 * message, same conversation context). On a miss it passes the request on and stores the answer
 * if it is complete and cacheable, for streams too (the chain returns the assembled answer).
 * The {@code x-tokenwise-cache} header tells the client what happened.
 */
public final class CacheStage implements Stage {
    public static final String HEADER = "x-tokenwise-cache";
    public static final String HIT_EXACT = "hit-exact";
    public static final String HIT_SEMANTIC = "hit-semantic";
    public static final String MISS = "miss";
    public static final String BYPASS = "bypass";

    private final ResponseCache cache;
    private final InstantSource clock;

    public CacheStage(ResponseCache cache, InstantSource clock) {
        this.cache = cache;
        this.clock = clock;
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        String route = ex.feature();
        CacheConfig.Settings s = cache.config().settings(route);
        SemanticCache semantic = s.semantic() ? cache.semantic() : null;
        if (!s.exact() && semantic == null) return next.proceed(ex);
        if (bypassRequested(ex) || !cacheable(ex.request(), s)) {
            ex.responseHeaders().put(HEADER, BYPASS);
            return next.proceed(ex).withCacheStatus(BYPASS);
        }
        String tenant = ex.principal().tenant();
        ChatRequest request = ex.request();
        String key = s.exact() ? CacheKey.exact(tenant, route, request) : null;
        if (key != null) {
            Optional<byte[]> hit = cache.exact().get(key);
            if (hit.isPresent()) {
                return serve(ex, hit.get(), HIT_EXACT, new Applied(Applied.CACHE_EXACT, "key " + key.substring(0, 16)));
            }
        }
        String namespace = null;
        String question = null;
        float[] vector = null;
        double threshold = 0;
        if (semantic != null) {
            question = CacheKey.lastUserText(request);
            if (question != null && !question.isBlank()) {
                namespace = CacheKey.semanticNamespace(tenant, route, request);
                vector = semantic.embed(question);
                threshold = s.semanticThreshold() != null ? s.semanticThreshold() : semantic.defaultThreshold();
                long now = clock.millis();
                SemanticCache.Best best = semantic.best(namespace, question, vector, now);
                if (best != null && best.hit(threshold)) {
                    promote(key, best.candidate(), s, now);
                    return serve(ex, best.candidate().payload(), HIT_SEMANTIC, new Applied(Applied.CACHE_SEMANTIC,
                            String.format(Locale.ROOT, "score %.3f, cosine %.3f", best.score(), best.candidate().cosine())));
                }
            }
        }
        ex.responseHeaders().put(HEADER, MISS);
        Reply reply = next.proceed(ex);
        if (!ex.sink().cancelled() && cacheable(reply.response(), s)) {
            byte[] value = reply.response().bytes();
            Duration ttl = Duration.ofSeconds(s.ttlSeconds());
            if (key != null) cache.exact().put(key, value, ttl);
            if (namespace != null) semantic.add(namespace, question, vector, value, clock.millis() + ttl.toMillis());
        }
        return reply.withCacheStatus(MISS);
    }

    /**
     * Copies a verified semantic hit into the exact store under this request's own exact key, so
     * the next identical request is an exact hit without an embedding and an index search. The
     * key is the tenant's and route's like any exact key, and the copy lives no longer than the
     * semantic entry it came from (nor than the route's TTL). Routes without the exact cache
     * ({@code key == null}) keep no copy.
     */
    private void promote(String key, SemanticIndex.Candidate hit, CacheConfig.Settings s, long nowMillis) {
        if (key == null) return;
        long remaining = Math.min(hit.expiresAtMillis() - nowMillis, Duration.ofSeconds(s.ttlSeconds()).toMillis());
        if (remaining > 0) cache.exact().put(key, hit.payload(), Duration.ofMillis(remaining));
    }

    /** A cached answer with a fresh id and timestamp, sent as a stream when the client asked for one. */
    private Reply serve(Exchange ex, byte[] cached, String status, Applied applied) {
        ObjectNode body = (ObjectNode) Json.parse(cached);
        body.put("id", "chatcmpl-" + UUID.randomUUID().toString().replace("-", ""));
        body.put("created", clock.instant().getEpochSecond());
        ChatResponse fresh = ChatResponse.owning(body);
        ex.responseHeaders().put(HEADER, status);
        if (ex.streaming()) {
            for (ObjectNode chunk : Chunks.fromResponse(fresh)) ex.sink().send(chunk);
        }
        return new Reply(fresh, fresh.model(), "cache", status, List.of(), List.of(applied));
    }

    private static boolean bypassRequested(Exchange ex) {
        String cc = ex.header("cache-control");
        if (cc != null) {
            for (String d : cc.toLowerCase(Locale.ROOT).split(",")) {
                String t = d.strip();
                if (t.equals("no-store") || t.equals("no-cache")) return true;
            }
        }
        String own = ex.header(HEADER);
        return own != null && own.strip().equalsIgnoreCase("off");
    }

    /**
     * Requests whose answer may be reused: sampling temperature within the route's bound (absent
     * means OpenAI's default of 1), and no tools unless the route declares them side-effect free.
     */
    static boolean cacheable(ChatRequest r, CacheConfig.Settings s) {
        if (r.temperature().orElse(1.0) > s.maxTemperature()) return false;
        return s.cacheToolRequests() || !r.hasTools();
    }

    /**
     * Answers worth keeping: every choice finished normally ({@code stop}, or {@code length} —
     * the same request with the same cap truncates the same way) with content or tool calls.
     * Content-filtered, cut-off or empty answers are never stored.
     */
    static boolean cacheable(ChatResponse r, CacheConfig.Settings s) {
        JsonNode choices = r.body().path("choices");
        if (!choices.isArray() || choices.isEmpty()) return false;
        for (JsonNode c : choices) {
            String finish = c.path("finish_reason").asText("");
            boolean toolCalls = c.path("message").path("tool_calls").isArray() && !c.path("message").path("tool_calls").isEmpty();
            boolean ok = finish.equals("stop") || finish.equals("length") || (finish.equals("tool_calls") && s.cacheToolRequests());
            if (!ok) return false;
            if (!toolCalls && c.path("message").path("content").asText("").isEmpty()) return false;
        }
        return true;
    }
}
