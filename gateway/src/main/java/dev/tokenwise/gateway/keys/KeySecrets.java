package dev.tokenwise.gateway.keys;

import dev.tokenwise.core.Hashing;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * The secret format {@code tw-<id>-<43 random base64url chars>}: the id lets the store find the
 * row with one indexed lookup, and only the SHA-256 of the whole secret is stored. 256 random
 * bits make a slow (salted, iterated) hash unnecessary: there is nothing to brute-force.
 */
final class KeySecrets {
    static final String PREFIX = "tw-";
    private static final Pattern ID = Pattern.compile("k[0-9a-f]{12}");

    private KeySecrets() {}

    static String newId(RandomGenerator random) {
        byte[] b = new byte[6];
        random.nextBytes(b);
        return "k" + HexFormat.of().formatHex(b);
    }

    static String newSecret(String id, RandomGenerator random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return PREFIX + id + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The id part of a well-formed secret, or null. */
    static String idOf(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) return null;
        int dash = secret.indexOf('-', PREFIX.length());
        if (dash <= PREFIX.length() || dash == secret.length() - 1) return null;
        String id = secret.substring(PREFIX.length(), dash);
        return ID.matcher(id).matches() ? id : null;
    }


    static String hashHex(String secret) {
        return Hashing.sha256Hex(secret);
    }

    /** Constant-time comparison of a presented secret with a stored hash. */
    static boolean matches(String secret, byte[] storedSha256) {
        return MessageDigest.isEqual(Hashing.sha256(secret), storedSha256);
    }
}
