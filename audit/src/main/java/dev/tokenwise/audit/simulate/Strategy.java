package dev.tokenwise.audit.simulate;

import dev.tokenwise.gateway.pipeline.Applied;

/**
 * The strategies the replay can switch on, in pipeline order. Savings are attributed in this
 * order: a request answered by the cache saves its whole cost under the cache, never again under
 * routing or trimming.
 */
public enum Strategy {
    CACHE_EXACT(Applied.CACHE_EXACT, "exact_repeats"),
    CACHE_SEMANTIC(Applied.CACHE_SEMANTIC, "near_duplicates"),
    ROUTING(Applied.ROUTING, "over_provisioned"),
    TRIM(Applied.TRIM, "context_bloat"),
    PROMPT_CACHE(Applied.PROMPT_CACHE, "repeated_system_prompts"),
    OUTPUT_CAP(Applied.OUTPUT_CAP, "output_waste"),
    BATCH(Applied.BATCH, "batchable");

    private final String applied;
    private final String finding;

    Strategy(String applied, String finding) {
        this.applied = applied;
        this.finding = finding;
    }

    /** The strategy with this {@link Applied} name, or null. */
    public static Strategy byId(String id) {
        for (Strategy s : values()) if (s.applied.equals(id)) return s;
        return null;
    }

    /** The {@link Applied} strategy name the ledger uses. */
    public String id() { return applied; }

    /** True for the caches, which share one stage (the gateway's cache stage) at the head of the pipeline. */
    public boolean caches() { return this == CACHE_EXACT || this == CACHE_SEMANTIC; }

    /** The finding this strategy fixes. */
    public String finding() { return finding; }
}
