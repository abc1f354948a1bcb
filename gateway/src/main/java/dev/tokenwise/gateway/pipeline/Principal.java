package dev.tokenwise.gateway.pipeline;

/**
 * Who sent a request: the virtual key that authenticated it and the tenant that key belongs to.
 * Caches, budgets and ledger reads are namespaced by tenant.
 */
public record Principal(String keyId, String keyName, String tenant) {
    /** Requests on a gateway without keys (loopback-only embedded mode). */
    public static final Principal ANONYMOUS = new Principal("anonymous", "anonymous", "default");
}
