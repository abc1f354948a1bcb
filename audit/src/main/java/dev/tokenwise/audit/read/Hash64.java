package dev.tokenwise.audit.read;

/**
 * A 64-bit string hash: four characters per multiply-xorshift step (a log of a million prompts
 * hashes gigabytes of text), stable across runs, few collisions at millions of distinct prompts.
 */
public final class Hash64 {
    public static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long M = 0x9e3779b97f4a7c15L;

    private Hash64() {}

    public static long of(String s) {
        return s == null ? 0 : mix(FNV_OFFSET, s);
    }

    /** Continues a hash with a string and a separator, so ("ab","c") and ("a","bc") differ. */
    public static long mix(long h, String s) {
        int n = s.length();
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            long k = s.charAt(i) | (long) s.charAt(i + 1) << 16 | (long) s.charAt(i + 2) << 32 | (long) s.charAt(i + 3) << 48;
            h = (h ^ k) * M;
            h ^= h >>> 29;
        }
        for (; i < n; i++) {
            h = (h ^ s.charAt(i)) * M;
            h ^= h >>> 29;
        }
        h = (h ^ n ^ 0x1f00000000L) * M;
        return h ^ h >>> 32;
    }
}
