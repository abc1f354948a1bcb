package dev.tokenwise.gateway.keys;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/** Where virtual API keys live (hashed). */
public interface KeyStore {
    /** A new key; the secret is returned here once and never stored. */
    record Created(ApiKey key, String secret) {}

    Created create(String name, String tenant, BigDecimal budgetUsd, BudgetPeriod period);

    List<ApiKey> list();

    Optional<ApiKey> find(String id);

    /** Marks a key revoked; false when no such key exists. */
    boolean revoke(String id);

    /** The key a presented secret belongs to (revoked keys included), compared in constant time. */
    Optional<ApiKey> authenticate(String secret);

    /** True once any key has been created (revoked ones count: a gateway never falls back to open access). */
    boolean hasKeys();
}
