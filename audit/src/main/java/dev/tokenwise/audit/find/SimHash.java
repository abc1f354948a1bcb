package dev.tokenwise.audit.find;

import dev.tokenwise.audit.read.Hash64;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Near-duplicate detection at scale: a 64-bit SimHash of a prompt's words and word pairs, and
 * locality-sensitive grouping by four 16-bit bands, so only prompts sharing a band are compared
 * (every pair within {@link #MAX_DISTANCE} bits shares at least one band when the distance is
 * at most 3, and most pairs up to 6 do).
 */
public final class SimHash {
    /** Hamming distance at or below which two prompts count as near-duplicates. */
    public static final int MAX_DISTANCE = 6;
    private static final int BUCKET_LIMIT = 256;

    private SimHash() {}

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
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    public static long of(String text) {
        String[] words = normalise(text).split(" ");
        int[] v = new int[64];
        for (int i = 0; i < words.length; i++) {
            add(v, Hash64.of(words[i]), 2);
            if (i + 1 < words.length) add(v, Hash64.of(words[i] + " " + words[i + 1]), 1);
        }
        long h = 0;
        for (int b = 0; b < 64; b++) if (v[b] > 0) h |= 1L << b;
        return h;
    }

    private static void add(int[] v, long h, int w) {
        for (int b = 0; b < 64; b++) v[b] += ((h >>> b) & 1) == 1 ? w : -w;
    }

    /**
     * Groups fingerprints into clusters of near-duplicates (union-find over LSH band matches).
     *
     * @return fingerprint to cluster id (the smallest fingerprint of its cluster)
     */
    public static Map<Long, Long> cluster(long[] fingerprints) {
        int n = fingerprints.length;
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        for (int band = 0; band < 4; band++) {
            Map<Integer, List<Integer>> buckets = new HashMap<>();
            int shift = band * 16;
            for (int i = 0; i < n; i++) {
                int key = (int) ((fingerprints[i] >>> shift) & 0xffff);
                buckets.computeIfAbsent(key, k -> new ArrayList<>(2)).add(i);
            }
            for (List<Integer> b : buckets.values()) {
                if (b.size() < 2) continue;
                int limit = Math.min(b.size(), BUCKET_LIMIT);
                for (int x = 0; x < b.size(); x++) {
                    for (int y = 0; y < Math.min(x, limit); y++) {
                        int i = b.get(x);
                        int j = b.get(y);
                        if (Long.bitCount(fingerprints[i] ^ fingerprints[j]) <= MAX_DISTANCE) union(parent, i, j);
                    }
                }
            }
        }
        Map<Integer, Long> rootMin = new HashMap<>();
        for (int i = 0; i < n; i++) rootMin.merge(find(parent, i), fingerprints[i], Math::min);
        Map<Long, Long> out = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) out.put(fingerprints[i], rootMin.get(find(parent, i)));
        return out;
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
