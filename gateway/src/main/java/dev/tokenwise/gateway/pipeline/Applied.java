package dev.tokenwise.gateway.pipeline;

/**
 * A cost strategy that a stage applied to a request, e.g. {@code ("routing", "gpt-4o -> gpt-4o-mini")}
 * or {@code ("trim", "removed 6120 tokens")}. The ledger attributes the request's saving to these.
 */
public record Applied(String strategy, String detail) {
    public static final String CACHE_EXACT = "cache-exact";
    public static final String CACHE_SEMANTIC = "cache-semantic";
    public static final String ROUTING = "routing";
    public static final String CASCADE = "cascade";
    public static final String TRIM = "trim";
    public static final String DEDUP = "dedup";
    public static final String OUTPUT_CAP = "output-cap";
    public static final String PROMPT_CACHE = "prompt-cache";
    public static final String BATCH = "batch";
}
