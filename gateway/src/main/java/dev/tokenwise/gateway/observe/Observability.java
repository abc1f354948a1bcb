package dev.tokenwise.gateway.observe;

import dev.tokenwise.gateway.config.ObservabilityConfig;
import dev.tokenwise.gateway.pipeline.Stage;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;

/**
 * The gateway's observability components built from {@code observability:} config: the metrics
 * registry (or its null object), the request log (or none) and, when tracing is on, the stage
 * span decorator.
 */
public record Observability(GatewayMetrics metrics, RequestLog requestLog, StageTracing tracing) {
    public static Observability from(ObservabilityConfig c, OpenTelemetry otel) {
        return new Observability(
                c.metrics() ? GatewayMetrics.prometheus() : GatewayMetrics.NOOP,
                c.requestLog() ? RequestLog.slf4j(c.logPrompts()) : RequestLog.NONE,
                c.tracing() ? new StageTracing(otel == null ? GlobalOpenTelemetry.get() : otel) : null);
    }

    /** The stages, each in a span when tracing is on; as they are otherwise. */
    public List<Stage> traced(List<Stage> stages) {
        return tracing == null ? stages : tracing.wrap(stages);
    }
}
