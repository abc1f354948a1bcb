package dev.tokenwise.gateway.config;

/**
 * How the gateway listens.
 *
 * @param host bind address; 127.0.0.1 unless keys are configured
 * @param port TCP port; 0 picks a free one
 * @param maxBodyBytes largest accepted request body (413 above it)
 * @param dataDir where embedded stores (SQLite ledger, keys) live
 * @param adminKeyEnv environment variable holding the admin key
 * @param shutdownGraceMs how long in-flight requests may finish on shutdown
 * @param idleTimeoutMs connections silent this long are closed (cuts off slow-loris clients)
 */
public record ServerConfig(String host, Integer port, Long maxBodyBytes, String dataDir, String adminKeyEnv,
                           Integer shutdownGraceMs, Integer idleTimeoutMs) {
    public static final long DEFAULT_MAX_BODY = 4L * 1024 * 1024;

    public ServerConfig {
        if (host == null) host = "127.0.0.1";
        if (port == null) port = 8080;
        if (maxBodyBytes == null) maxBodyBytes = DEFAULT_MAX_BODY;
        if (dataDir == null) dataDir = ".tokenwise";
        if (adminKeyEnv == null) adminKeyEnv = "TOKENWISE_ADMIN_KEY";
        if (shutdownGraceMs == null) shutdownGraceMs = 10_000;
        if (idleTimeoutMs == null) idleTimeoutMs = 30_000;
    }

    public ServerConfig(String host, Integer port, Long maxBodyBytes, String dataDir, String adminKeyEnv,
                        Integer shutdownGraceMs) {
        this(host, port, maxBodyBytes, dataDir, adminKeyEnv, shutdownGraceMs, null);
    }

    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null, null, null, null, null);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, maxBodyBytes, dataDir, adminKeyEnv, shutdownGraceMs, idleTimeoutMs);
    }

    public ServerConfig withHost(String h) {
        return new ServerConfig(h, port, maxBodyBytes, dataDir, adminKeyEnv, shutdownGraceMs, idleTimeoutMs);
    }

    public ServerConfig withDataDir(String d) {
        return new ServerConfig(host, port, maxBodyBytes, d, adminKeyEnv, shutdownGraceMs, idleTimeoutMs);
    }

    public ServerConfig withIdleTimeoutMs(int ms) {
        return new ServerConfig(host, port, maxBodyBytes, dataDir, adminKeyEnv, shutdownGraceMs, ms);
    }
}
