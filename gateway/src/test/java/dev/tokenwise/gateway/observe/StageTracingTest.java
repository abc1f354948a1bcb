package dev.tokenwise.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ObservabilityConfig;
import dev.tokenwise.gateway.testing.TestGateway;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class StageTracingTest {
    /** Keeps every finished span in memory. */
    static final class Collecting implements SpanExporter {
        final List<SpanData> spans = new CopyOnWriteArrayList<>();
        @Override public CompletableResultCode export(Collection<SpanData> batch) { spans.addAll(batch); return CompletableResultCode.ofSuccess(); }
        @Override public CompletableResultCode flush() { return CompletableResultCode.ofSuccess(); }
        @Override public CompletableResultCode shutdown() { return CompletableResultCode.ofSuccess(); }
    }

    static OpenTelemetrySdk sdk(Collecting exporter) {
        return OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                .build();
    }

    @Test
    void with_tracing_on_each_pipeline_stage_is_a_span_nested_in_the_one_before() {
        Collecting exporter = new Collecting();
        GatewayConfig c = GatewayConfig.embeddedDefault().withObservability(new ObservabilityConfig(null, null, null, true));
        try (OpenTelemetrySdk otel = sdk(exporter);
             TestGateway gw = TestGateway.start(Gateway.builder(TestGateway.withTempDataDir(c)).port(0).openTelemetry(otel))) {
            String id = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "trace me", false)).headers()
                    .firstValue("x-request-id").orElseThrow();
            List<SpanData> mine = exporter.spans.stream()
                    .filter(s -> id.equals(s.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("tokenwise.request_id"))))
                    .toList();
            assertThat(mine).extracting(SpanData::getName).contains("tokenwise.stage MetricsStage", "tokenwise.stage ProviderStage");
            SpanData outer = mine.stream().filter(s -> s.getName().endsWith("MetricsStage")).findFirst().orElseThrow();
            SpanData provider = mine.stream().filter(s -> s.getName().endsWith("ProviderStage")).findFirst().orElseThrow();
            assertThat(provider.getTraceId()).isEqualTo(outer.getTraceId());
            assertThat(provider.getParentSpanId()).isNotEqualTo(io.opentelemetry.api.trace.SpanId.getInvalid());
            assertThat(mine.stream().map(SpanData::getSpanId)).contains(provider.getParentSpanId());
            assertThat(provider.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("gen_ai.response.model"))).isEqualTo("gpt-4o");

            gw.post("/chat/completions", TestGateway.chat("no-such-model", "trace a failure", false));
            assertThat(exporter.spans).anySatisfy(s -> {
                assertThat(s.getName()).isEqualTo("tokenwise.stage ProviderStage");
                assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            });
        }
    }

    @Test
    void with_tracing_off_no_span_is_made() {
        Collecting exporter = new Collecting();
        try (OpenTelemetrySdk otel = sdk(exporter);
             TestGateway gw = TestGateway.start(Gateway.builder(TestGateway.withTempDataDir(GatewayConfig.embeddedDefault())).port(0).openTelemetry(otel))) {
            gw.post("/chat/completions", TestGateway.chat("gpt-4o", "no trace", false));
            assertThat(exporter.spans).isEmpty();
        }
    }
}
