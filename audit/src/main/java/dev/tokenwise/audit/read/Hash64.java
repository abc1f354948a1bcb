package dev.tokenwise.audit.read;

/** 64-bit FNV-1a over strings: cheap, stable across runs, few collisions at millions of distinct prompts. */
public final class Hash64 {
    public static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Hash64() {}

    public static long of(String s) {
        return s == null ? 0 : mix(FNV_OFFSET, s);
    }

    /** Continues a hash with a string and a separator, so ("ab","c") and ("a","bc") differ. */
    public static long mix(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            h ^= c & 0xff;
            h *= FNV_PRIME;
            h ^= c >>> 8;
            h *= FNV_PRIME;
        }
        h ^= 0x1f;
        h *= FNV_PRIME;
        return h;
    }
}
