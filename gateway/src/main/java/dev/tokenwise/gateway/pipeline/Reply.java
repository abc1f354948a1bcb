package dev.tokenwise.gateway.pipeline;

import dev.tokenwise.core.wire.ChatResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * What the pipeline produced for a request: the complete answer (for a stream, the answer its
 * chunks add up to, available once the stream has ended), the upstream calls it cost, and the
 * strategies applied on the way.
 *
 * @param response the answer in OpenAI's shape
 * @param servedModel the configured model that actually answered (or the cached answer's model)
 * @param provider provider of the serving model, or "cache"
 * @param cacheStatus "miss", "hit-exact", "hit-semantic" or "bypass"
 * @param calls every upstream call made, in order
 * @param applied strategies applied, in pipeline order
 */
public record Reply(ChatResponse response, String servedModel, String provider, String cacheStatus,
                    List<UpstreamCall> calls, List<Applied> applied) {
    public Reply {
        calls = List.copyOf(calls);
        applied = List.copyOf(applied);
    }

    public static Reply fromProvider(ChatResponse response, UpstreamCall call) {
        return new Reply(response, call.model(), call.provider(), "miss", List.of(call), List.of());
    }

    public Reply withApplied(Applied a) {
        List<Applied> l = new ArrayList<>(applied);
        l.add(0, a);
        return new Reply(response, servedModel, provider, cacheStatus, calls, l);
    }

    public Reply withCacheStatus(String status) {
        return new Reply(response, servedModel, provider, status, calls, applied);
    }

    /** Adds calls made before this reply's own (e.g. a cascade's rejected weak answer). */
    public Reply withEarlierCalls(List<UpstreamCall> earlier) {
        List<UpstreamCall> l = new ArrayList<>(earlier);
        l.addAll(calls);
        return new Reply(response, servedModel, provider, cacheStatus, l, applied);
    }
}
