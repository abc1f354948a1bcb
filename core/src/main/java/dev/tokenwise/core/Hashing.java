package dev.tokenwise.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of text, the one digest tokenwise uses for cache keys, key hashes and stable ids. */
public final class Hashing {
    private Hashing() {}

    /** SHA-256 of the UTF-8 bytes of {@code s}. */
    public static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** {@link #sha256} as lower-case hex. */
    public static String sha256Hex(String s) {
        return HexFormat.of().formatHex(sha256(s));
    }
}
