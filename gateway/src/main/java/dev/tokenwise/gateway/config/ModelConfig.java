package dev.tokenwise.gateway.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One model the gateway serves.
 *
 * @param provider adapter name: openai, anthropic, mock or replay
 * @param upstreamModel the model id sent upstream (defaults to the gateway's name for it)
 * @param baseUrl the upstream API base, e.g. https://api.openai.com/v1 (openai/anthropic)
 * @param apiKeyEnv the environment variable holding the upstream API key (never the key itself)
 * @param tier small, mid or large: what routing picks among
 * @param mock behaviour of the mock adapter (ignored by others)
 * @param timeouts upstream HTTP timeouts (openai/anthropic); defaults when absent
 * @param replay the recorded dataset a replay model answers from (replay only)
 * @param headers extra HTTP headers sent upstream (openai/anthropic), e.g. OpenAI-Organization or
 *     Azure's api-key; {@code ${VAR}} in a value is replaced by that environment variable
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelConfig(String provider, String upstreamModel, String baseUrl, String apiKeyEnv, String tier,
                          MockConfig mock, TimeoutConfig timeouts, ReplayConfig replay, Map<String, String> headers) {
    public ModelConfig {
        if (mock == null) mock = MockConfig.DEFAULT;
        if (timeouts == null) timeouts = TimeoutConfig.DEFAULT;
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** A model without extra headers. */
    public ModelConfig(String provider, String upstreamModel, String baseUrl, String apiKeyEnv, String tier,
                       MockConfig mock, TimeoutConfig timeouts, ReplayConfig replay) {
        this(provider, upstreamModel, baseUrl, apiKeyEnv, tier, mock, timeouts, replay, null);
    }

    /** A model without timeouts or replay settings (kept for callers that predate them). */
    public ModelConfig(String provider, String upstreamModel, String baseUrl, String apiKeyEnv, String tier,
                       MockConfig mock) {
        this(provider, upstreamModel, baseUrl, apiKeyEnv, tier, mock, null, null, null);
    }

    public static ModelConfig mock(String tier, MockConfig mock) {
        return new ModelConfig("mock", null, null, null, tier, mock);
    }

    /** An OpenAI-compatible upstream model. */
    public static ModelConfig openai(String upstreamModel, String baseUrl, String apiKeyEnv, String tier) {
        return new ModelConfig("openai", upstreamModel, baseUrl, apiKeyEnv, tier, null);
    }

    public ModelConfig withTimeouts(TimeoutConfig t) {
        return new ModelConfig(provider, upstreamModel, baseUrl, apiKeyEnv, tier, mock, t, replay, headers);
    }

    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    /** The extra headers with {@code ${VAR}} references replaced from {@code env} (unset: empty). */
    public Map<String, String> resolvedHeaders(Function<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((k, v) -> {
            Matcher m = ENV_REF.matcher(v);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String value = env.apply(m.group(1));
                m.appendReplacement(sb, Matcher.quoteReplacement(value == null ? "" : value));
            }
            m.appendTail(sb);
            out.put(k, sb.toString());
        });
        return out;
    }

    /** Environment variables referenced as {@code ${VAR}} in header values. */
    public java.util.List<String> headerEnvRefs() {
        java.util.List<String> refs = new java.util.ArrayList<>();
        headers.values().forEach(v -> {
            Matcher m = ENV_REF.matcher(v);
            while (m.find()) refs.add(m.group(1));
        });
        return refs;
    }

    /** The model id to send upstream for a request that named {@code requested}. */
    public String upstreamModelFor(String requested) {
        return upstreamModel != null ? upstreamModel : requested;
    }

    /**
     * Behaviour of a mock model: time to first token, decode speed, answer length and an optional
     * fault for manual testing of clients and of the gateway itself.
     *
     * @param fault none, rate-limit (429 with Retry-After), error (500), hang (never answers) or
     *     truncate (a stream that stops half way, without finish_reason or [DONE])
     */
    public record MockConfig(Integer ttftMs, Integer tokensPerSecond, Integer answerTokens, String fault) {
        public static final MockConfig DEFAULT = new MockConfig(0, 0, 40);
        public static final java.util.Set<String> FAULTS = java.util.Set.of("none", "rate-limit", "error", "hang", "truncate");

        public MockConfig {
            if (ttftMs == null) ttftMs = 0;
            if (tokensPerSecond == null) tokensPerSecond = 0;
            if (answerTokens == null) answerTokens = 40;
            if (fault == null) fault = "none";
        }

        public MockConfig(Integer ttftMs, Integer tokensPerSecond, Integer answerTokens) {
            this(ttftMs, tokensPerSecond, answerTokens, null);
        }
    }

    /**
     * Upstream HTTP timeouts in milliseconds.
     *
     * @param connectMs establishing the TCP/TLS connection
     * @param firstByteMs from sending the request to the response headers (a non-streaming answer
     *     is generated in this time, so it is generous)
     * @param idleMs longest silence between two reads of a streaming body
     */
    public record TimeoutConfig(Integer connectMs, Integer firstByteMs, Integer idleMs) {
        public static final TimeoutConfig DEFAULT = new TimeoutConfig(10_000, 300_000, 60_000);

        public TimeoutConfig {
            if (connectMs == null) connectMs = 10_000;
            if (firstByteMs == null) firstByteMs = 300_000;
            if (idleMs == null) idleMs = 60_000;
        }
    }

    /**
     * A recorded dataset: a CSV with a {@code prompt} column and one answer column per model
     * (RouteLLM style, e.g. {@code gpt-4-1106-preview_response}).
     *
     * @param file path of the CSV
     * @param column the answer column, or a model name whose {@code <model>_response} column is used
     */
    public record ReplayConfig(String file, String column) {}
}
