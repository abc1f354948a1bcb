package dev.tokenwise.audit.find;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Near-duplicate candidates at scale: MinHash signatures of a prompt's character 3-gram shingles
 * (after {@link #normalise}), grouped by locality-sensitive hashing over {@link #BANDS} bands of
 * {@link #ROWS} rows, so only prompts sharing a band are compared. Two prompts whose shingle sets
 * overlap by a Jaccard similarity of 0.5 share a band with probability 0.74, at 0.7 with 0.985;
 * pairs sharing a band are joined when their estimated similarity reaches {@link #MIN_JACCARD}.
 * Candidates only: the semantic cache's model confirms them ({@link NearDuplicates}).
 */
public final class MinHash {
    static final int BANDS = 10;
    static final int ROWS = 3;
    /** Estimated Jaccard similarity of shingles at or above which two prompts are candidates. */
    public static final double MIN_JACCARD = 0.4;
    private static final int HASHES = BANDS * ROWS;
    /** Prompts compared per LSH bucket, at most: a huge bucket is a template, not a paraphrase. */
    private static final int BUCKET_LIMIT = 256;
    private static final long[] SEEDS = new long[HASHES];

    static {
        long x = 0x9e3779b97f4a7c15L;
        for (int i = 0; i < HASHES; i++) {
            x += 0x9e3779b97f4a7c15L;
            SEEDS[i] = mix64(x);
        }
    }

    private MinHash() {}

    /** Lower-case words only: punctuation, case and spacing never make two prompts differ. */
    public static String normalise(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        boolean space = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                sb.append(Character.toLowerCase(c));
                space = false;
            } else if (!space) {
                sb.append(' ');
                space = true;
            }
        }
        int n = sb.length();
        if (n > 0 && sb.charAt(n - 1) == ' ') sb.setLength(n - 1);
        return sb.toString();
    }

    /** The MinHash signature of a text's character 3-grams (the text padded with a space each side). */
    public static long[] signature(String text) {
        String t = " " + normalise(text) + " ";
        long[] sig = new long[HASHES];
        java.util.Arrays.fill(sig, Long.MAX_VALUE);
        for (int i = 0; i + 3 <= t.length(); i++) {
            long shingle = ((long) t.charAt(i) << 32) ^ ((long) t.charAt(i + 1) << 16) ^ t.charAt(i + 2);
            for (int h = 0; h < HASHES; h++) {
                long v = mix64(shingle ^ SEEDS[h]);
                if (v < sig[h]) sig[h] = v;
            }
        }
        return sig;
    }

    /** The share of signature positions two signatures agree on: an estimate of their Jaccard similarity. */
    public static double similarity(long[] a, long[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) if (a[i] == b[i]) same++;
        return (double) same / a.length;
    }

    /**
     * Groups texts into candidate groups (union-find over LSH band matches).
     *
     * @return for each text, the index of its group's first text
     */
    public static int[] cluster(List<String> texts) {
        int n = texts.size();
        long[][] sigs = new long[n][];
        for (int i = 0; i < n; i++) sigs[i] = signature(texts.get(i));
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        for (int band = 0; band < BANDS; band++) {
            Map<Long, List<Integer>> buckets = new HashMap<>();
            for (int i = 0; i < n; i++) {
                long key = band;
                for (int r = 0; r < ROWS; r++) key = mix64(key * 31 + sigs[i][band * ROWS + r]);
                buckets.computeIfAbsent(key, k -> new ArrayList<>(2)).add(i);
            }
            for (List<Integer> b : buckets.values()) {
                if (b.size() < 2) continue;
                int limit = Math.min(b.size(), BUCKET_LIMIT);
                for (int x = 0; x < limit; x++) {
                    for (int y = 0; y < x; y++) {
                        int i = b.get(x);
                        int j = b.get(y);
                        if (similarity(sigs[i], sigs[j]) >= MIN_JACCARD) union(parent, i, j);
                    }
                }
            }
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = find(parent, i);
        return out;
    }

    /** A 64-bit finaliser (SplitMix64): spreads the bits of similar inputs. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static int find(int[] p, int i) {
        while (p[i] != i) {
            p[i] = p[p[i]];
            i = p[i];
        }
        return i;
    }

    private static void union(int[] p, int a, int b) {
        int ra = find(p, a);
        int rb = find(p, b);
        if (ra != rb) p[Math.max(ra, rb)] = Math.min(ra, rb);
    }
}
