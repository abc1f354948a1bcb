package dev.tokenwise.gateway.dashboard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may see the dashboard, the JSON API and {@code /metrics}: whoever presents the admin key as
 * {@code Authorization: Bearer <key>} or carries the session cookie the login form sets. The
 * cookie holds an HMAC of the key, never the key. Without an admin key, a loopback-only gateway
 * is open (the page says so) and any other gateway is closed.
 */
final class AdminAuth {
    static final String COOKIE = "tokenwise_admin";

    enum Mode { KEY, OPEN_LOOPBACK, CLOSED }

    private final String adminKey;
    private final Mode mode;
    private final String sessionToken;

    AdminAuth(String adminKey, String bindHost) {
        this.adminKey = adminKey == null || adminKey.isBlank() ? null : adminKey;
        this.mode = this.adminKey != null ? Mode.KEY : isLoopback(bindHost) ? Mode.OPEN_LOOPBACK : Mode.CLOSED;
        this.sessionToken = this.adminKey == null ? null : hmac(this.adminKey, "tokenwise-dashboard-session");
    }

    Mode mode() { return mode; }

    /** True when the request carries the admin key or a valid session cookie (or access is open). */
    boolean allowed(String authorization, String cookie) {
        return switch (mode) {
            case OPEN_LOOPBACK -> true;
            case CLOSED -> false;
            case KEY -> (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                    && matches(authorization.substring(7).trim()))
                    || (cookie != null && constantTimeEquals(cookie, sessionToken));
        };
    }

    boolean matches(String candidate) {
        return adminKey != null && candidate != null && constantTimeEquals(candidate, adminKey);
    }

    String sessionToken() { return sessionToken; }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static String hmac(String key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    static boolean isLoopback(String host) {
        if (host == null) return false;
        if (host.equalsIgnoreCase("localhost")) return true;
        try {
            // only literal addresses: a name is not resolved here
            if (!host.matches("[0-9a-fA-F:.\\[\\]]+")) return false;
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
