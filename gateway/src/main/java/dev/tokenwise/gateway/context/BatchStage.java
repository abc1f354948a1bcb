package dev.tokenwise.gateway.context;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.wire.Chunks;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Sends deferrable chat completions ({@code x-tokenwise-deferrable: true}, or every request of a
 * route with {@code batch.deferrable: true}) through the provider's batch API. On a route with
 * {@code batch.wait_for_result: true} the request is answered synchronously by a batch of one (a
 * stream gets the answer replayed as chunks); otherwise it is rejected with a 400 that points to
 * the job API, because a batch can take up to 24 hours. {@code x-tokenwise-deferrable: false}
 * opts a request out of a deferrable route.
 */
public final class BatchStage implements Stage {
    static final String HEADER = "x-tokenwise-deferrable";
    private final ContextConfig config;
    private final BatchService service;
    private final LongSupplier nanoTime;

    public BatchStage(ContextConfig config, BatchService service, LongSupplier nanoTime) {
        this.config = config;
        this.service = service;
        this.nanoTime = nanoTime;
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        ContextConfig.RouteConfig route = config.route(ex.feature(), ex.request().model());
        ContextConfig.BatchConfig b = route == null ? null : route.batch();
        String h = ex.header(HEADER);
        boolean deferrable = h != null ? "true".equalsIgnoreCase(h.strip()) : b != null && b.deferrable();
        if (!deferrable) return next.proceed(ex);
        if (b == null || !b.waitForResult()) {
            throw GatewayException.builder(400, "This request is marked deferrable, so it must go through the batch job API "
                            + "(up to 24 hours, half price): submit it with POST /v1/tokenwise/batches "
                            + "{\"requests\":[{\"custom_id\":\"...\",\"body\":{...}}]} and read GET /v1/tokenwise/batches/{id}/results. "
                            + "To answer it here instead, set context.routes[].batch.wait_for_result: true for its route, "
                            + "or send " + HEADER + ": false.")
                    .type("invalid_request_error").code("deferrable_request").param(HEADER).build();
        }
        String job = service.submit(Map.of("request-1", ex.request().withField("stream", null).withField("stream_options", null)),
                ex.principal(), ex.feature(), false);
        long deadline = nanoTime.getAsLong() + b.waitTimeoutMs() * 1_000_000L;
        while (!service.done(job, ex.principal().tenant())) {
            if (nanoTime.getAsLong() > deadline) {
                throw GatewayException.builder(504, "The batch answering this deferrable request did not finish within "
                                + b.waitTimeoutMs() + " ms; its results will be at GET /v1/tokenwise/batches/" + job + "/results.")
                        .type("api_error").code("batch_pending").build();
            }
            try {
                Thread.sleep(b.pollIntervalMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw GatewayException.internal("interrupted while waiting for batch " + job, e);
            }
        }
        BatchService.Result r = service.results(job, ex.principal().tenant()).get(0);
        if (r.error() != null) throw r.error();
        if (ex.streaming()) {
            for (ObjectNode chunk : Chunks.fromResponse(r.reply().response())) ex.sink().send(chunk);
        }
        return r.reply();
    }
}
