package dev.tokenwise.gateway.pipeline;

/**
 * One single-purpose step of the request path (auth, budget, cache, routing, trimming, provider
 * call, accounting). A stage may answer by itself (a cache hit), change the exchange and pass it
 * on, or look at the reply on its way back; it never knows which stages surround it.
 */
@FunctionalInterface
public interface Stage {
    Reply handle(Exchange exchange, Chain next);

    /** The rest of the pipeline after a stage. */
    @FunctionalInterface
    interface Chain {
        Reply proceed(Exchange exchange);
    }

    /** A short name for logs, metrics and traces. */
    default String name() {
        return getClass().getSimpleName();
    }
}
