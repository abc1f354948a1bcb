package dev.tokenwise.gateway.observe;

import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.List;

/**
 * OpenTelemetry spans per pipeline stage: each stage becomes a span nested in the previous
 * stage's, so a trace shows where a request's time went (and which stage answered it). Spans go
 * to whatever OpenTelemetry SDK the host application installed; without one the API is a no-op.
 */
public final class StageTracing {
    private final Tracer tracer;

    public StageTracing(OpenTelemetry otel) {
        this.tracer = otel.getTracer("dev.tokenwise.gateway");
    }

    /** The same stages, each wrapped in a span named {@code tokenwise.stage <Name>}. */
    public List<Stage> wrap(List<Stage> stages) {
        return stages.stream().map(this::wrap).toList();
    }

    private Stage wrap(Stage stage) {
        return new Stage() {
            @Override
            public Reply handle(Exchange ex, Chain next) {
                Span span = tracer.spanBuilder("tokenwise.stage " + stage.name())
                        .setAttribute("tokenwise.request_id", ex.id())
                        .setAttribute("gen_ai.request.model", ex.request().model())
                        .startSpan();
                try (Scope ignored = span.makeCurrent()) {
                    Reply reply = stage.handle(ex, next);
                    if (reply.servedModel() != null) span.setAttribute("gen_ai.response.model", reply.servedModel());
                    span.setAttribute("tokenwise.cache_status", reply.cacheStatus());
                    return reply;
                } catch (RuntimeException e) {
                    span.setStatus(StatusCode.ERROR, e instanceof GatewayException g ? g.type() : e.getClass().getSimpleName());
                    throw e;
                } finally {
                    span.end();
                }
            }

            @Override
            public String name() {
                return stage.name();
            }
        };
    }
}
