package dev.tokenwise.audit.find;

import dev.tokenwise.core.cache.HitVerifier;
import dev.tokenwise.core.cache.TextSignals;
import dev.tokenwise.gateway.cache.Embedder;
import dev.tokenwise.gateway.cache.SemanticCache;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Confirms near-duplicate candidates with the semantic cache's own judgement: MinHash LSH
 * ({@link MinHash#cluster}) proposes groups of distinct normalised prompts; each member is
 * embedded with the semantic cache's embedding model and joins a confirmed group only if the
 * semantic cache would serve it from the group's head, the most frequent prompt that is not itself
 * served by another (cosine of at least
 * {@link SemanticCache#MIN_COSINE} and the {@link HitVerifier} accepting the pair at its default
 * threshold). Prompts whose normalised text is identical (case, punctuation, spacing) need no
 * model. At most {@link #EMBED_LIMIT} prompts are embedded, biggest groups first; groups beyond
 * the bound stay unconfirmed and are not counted.
 */
public final class NearDuplicates {
    /** Most distinct prompts embedded per audit (the embedding model takes a few ms per prompt). */
    public static final int EMBED_LIMIT = 5_000;

    /**
     * What confirmation did.
     *
     * @param candidateGroups MinHash groups holding more than one distinct normalised prompt
     * @param confirmedGroups confirmed groups: a head prompt and at least one other the semantic cache would serve from it
     * @param embedded prompts embedded
     * @param unchecked candidate groups left unconfirmed because of {@link #EMBED_LIMIT}
     */
    public record Stats(int candidateGroups, int confirmedGroups, int embedded, int unchecked) {
        public static final Stats NONE = new Stats(0, 0, 0, 0);
    }

    /** One distinct normalised prompt: its fingerprint ({@link AuditDb} near_key), a prompt text and how many requests sent it. */
    public record Prompt(long key, String text, long requests) {}

    /** The confirmed grouping and its statistics. */
    public record Result(Map<Long, Long> clusters, Stats stats) {}

    private final Supplier<Embedder> embedder;
    private final HitVerifier verifier;

    public NearDuplicates(Supplier<Embedder> embedder, HitVerifier verifier) {
        this.embedder = embedder;
        this.verifier = verifier;
    }

    /**
     * @param prompts the distinct candidate prompts
     * @return fingerprint to confirmed group id (the group's most frequent fingerprint, or its own when unconfirmed)
     */
    public Result confirm(List<Prompt> prompts) {
        int[] candidates = MinHash.cluster(prompts.stream().map(Prompt::text).toList());
        Map<Integer, List<Prompt>> groups = new HashMap<>();
        for (int i = 0; i < prompts.size(); i++) groups.computeIfAbsent(candidates[i], k -> new ArrayList<>()).add(prompts.get(i));
        List<List<Prompt>> multi = new ArrayList<>();
        for (List<Prompt> g : groups.values()) if (g.size() > 1) multi.add(g);
        multi.sort(Comparator.comparingLong((List<Prompt> g) -> -g.stream().mapToLong(Prompt::requests).sum())
                .thenComparingLong(g -> g.get(0).key()));
        Map<Long, Long> out = new HashMap<>(prompts.size() * 2);
        for (Prompt p : prompts) out.put(p.key(), p.key());
        Embedder model = multi.isEmpty() ? null : embedder.get();
        double threshold = verifier.model().defaultThreshold();
        int embedded = 0;
        int confirmed = 0;
        int unchecked = 0;
        for (List<Prompt> g : multi) {
            if (embedded + g.size() > EMBED_LIMIT) {
                unchecked++;
                continue;
            }
            // most frequent wording first; each prompt joins the first group head that would serve it, else heads a group
            g.sort(Comparator.comparingLong((Prompt p) -> -p.requests()).thenComparingLong(Prompt::key));
            List<Prompt> heads = new ArrayList<>();
            List<float[]> headVectors = new ArrayList<>();
            List<TextSignals> headSignals = new ArrayList<>();
            java.util.Set<Long> joined = new java.util.HashSet<>();
            for (Prompt p : g) {
                float[] v = model.embed(p.text());
                embedded++;
                TextSignals ps = TextSignals.of(p.text());
                int to = -1;
                for (int h = 0; h < heads.size() && to < 0; h++) {
                    double cosine = dot(headVectors.get(h), v);
                    if (cosine >= SemanticCache.MIN_COSINE && verifier.judge(ps, headSignals.get(h), cosine, v, headVectors.get(h)).accepts(threshold)) to = h;
                }
                if (to >= 0) {
                    out.put(p.key(), heads.get(to).key());
                    joined.add(heads.get(to).key());
                } else {
                    heads.add(p);
                    headVectors.add(v);
                    headSignals.add(ps);
                }
            }
            confirmed += joined.size();
        }
        return new Result(out, new Stats(multi.size(), confirmed, embedded, unchecked));
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
