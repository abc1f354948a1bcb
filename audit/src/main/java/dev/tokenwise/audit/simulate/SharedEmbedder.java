package dev.tokenwise.audit.simulate;

import dev.tokenwise.gateway.cache.Embedder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The semantic cache's embedding model shared by the replays: loaded on first use (a log without
 * semantic routes never loads it), each distinct text embedded once across all replays (up to
 * {@link #MEMO_LIMIT} texts; beyond that texts are embedded every time).
 */
final class SharedEmbedder implements Embedder {
    static final int MEMO_LIMIT = 200_000;
    private final Supplier<Embedder> factory;
    private volatile Embedder model;
    private final Map<String, float[]> memo = new ConcurrentHashMap<>();

    SharedEmbedder(Supplier<Embedder> factory) {
        this.factory = factory;
    }

    private Embedder model() {
        Embedder m = model;
        if (m == null) {
            synchronized (this) {
                if (model == null) model = factory.get();
                m = model;
            }
        }
        return m;
    }

    @Override
    public float[] embed(String text) {
        float[] v = memo.get(text);
        if (v != null) return v;
        v = model().embed(text);
        if (memo.size() < MEMO_LIMIT) memo.put(text, v);
        return v;
    }

    @Override
    public int dimensions() { return model().dimensions(); }
}
