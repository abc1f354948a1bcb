package dev.tokenwise.gateway.pipeline;

import java.util.List;

/** An ordered chain of stages; the last one must answer without calling {@code next}. */
public final class Pipeline {
    private final List<Stage> stages;
    /** {@code chains[i]} runs stage {@code i}; built once, so a request allocates no chain links. */
    private final Stage.Chain[] chains;

    public Pipeline(List<Stage> stages) {
        if (stages.isEmpty()) throw new IllegalArgumentException("a pipeline needs at least one stage");
        this.stages = List.copyOf(stages);
        String last = this.stages.get(this.stages.size() - 1).name();
        Stage.Chain end = ex -> {
            throw new IllegalStateException("the last stage (" + last + ") passed the request on, but no stage follows it");
        };
        chains = new Stage.Chain[this.stages.size()];
        for (int i = chains.length - 1; i >= 0; i--) {
            Stage stage = this.stages.get(i);
            Stage.Chain next = i + 1 < chains.length ? chains[i + 1] : end;
            chains[i] = ex -> stage.handle(ex, next);
        }
    }

    public List<Stage> stages() { return stages; }

    public Reply execute(Exchange exchange) {
        return chains[0].proceed(exchange);
    }
}
