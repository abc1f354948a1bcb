package dev.tokenwise.gateway.cache.eval;

/** Reports progress of long runs (the CLI prints it on a terminal only). */
@FunctionalInterface
public interface Progress {
    void update(String phase, int done, int total);

    Progress NONE = (p, d, t) -> {};
}
