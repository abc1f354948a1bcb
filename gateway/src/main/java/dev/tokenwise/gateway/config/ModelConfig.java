package dev.tokenwise.gateway.config;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One model the gateway serves.
 *
 * @param provider adapter name: openai, anthropic, mock or replay
 * @param upstreamModel the model id sent upstream (defaults to the gateway's name for it)
 * @param baseUrl the upstream API base, e.g. https://api.openai.com/v1 (openai/anthropic)
 * @param apiKeyEnv the environment variable holding the upstream API key (never the key itself)
 * @param tier small, mid or large: what routing picks among
 * @param mock behaviour of the mock adapter (ignored by others)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelConfig(String provider, String upstreamModel, String baseUrl, String apiKeyEnv, String tier,
                          MockConfig mock) {
    public ModelConfig {
        if (mock == null) mock = MockConfig.DEFAULT;
    }

    public static ModelConfig mock(String tier, MockConfig mock) {
        return new ModelConfig("mock", null, null, null, tier, mock);
    }

    /** Behaviour of a mock model: time to first token, decode speed and answer length. */
    public record MockConfig(Integer ttftMs, Integer tokensPerSecond, Integer answerTokens) {
        public static final MockConfig DEFAULT = new MockConfig(0, 0, 40);

        public MockConfig {
            if (ttftMs == null) ttftMs = 0;
            if (tokensPerSecond == null) tokensPerSecond = 0;
            if (answerTokens == null) answerTokens = 40;
        }
    }
}
