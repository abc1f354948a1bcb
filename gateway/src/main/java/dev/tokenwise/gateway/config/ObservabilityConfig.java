package dev.tokenwise.gateway.config;

/**
 * What the gateway tells operators about itself ({@code observability:} in tokenwise.yaml).
 *
 * @param metrics expose Prometheus metrics at {@code /metrics} (default true)
 * @param requestLog write one JSON line per request to the {@code dev.tokenwise.requests} logger (default true)
 * @param logPrompts include the request's messages in that line (default false: prompts are customer data)
 * @param tracing emit OpenTelemetry spans per pipeline stage through the global OpenTelemetry (default false)
 */
public record ObservabilityConfig(Boolean metrics, Boolean requestLog, Boolean logPrompts, Boolean tracing) {
    public ObservabilityConfig {
        if (metrics == null) metrics = true;
        if (requestLog == null) requestLog = true;
        if (logPrompts == null) logPrompts = false;
        if (tracing == null) tracing = false;
    }

    public static ObservabilityConfig defaults() {
        return new ObservabilityConfig(null, null, null, null);
    }
}
