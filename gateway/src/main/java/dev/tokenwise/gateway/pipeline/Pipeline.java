package dev.tokenwise.gateway.pipeline;

import java.util.List;

/** An ordered chain of stages; the last one must answer without calling {@code next}. */
public final class Pipeline {
    private final List<Stage> stages;

    public Pipeline(List<Stage> stages) {
        if (stages.isEmpty()) throw new IllegalArgumentException("a pipeline needs at least one stage");
        this.stages = List.copyOf(stages);
    }

    public List<Stage> stages() { return stages; }

    public Reply execute(Exchange exchange) {
        return at(0).proceed(exchange);
    }

    private Stage.Chain at(int index) {
        return ex -> {
            if (index >= stages.size()) {
                throw new IllegalStateException("the last stage (" + stages.get(stages.size() - 1).name()
                        + ") passed the request on, but no stage follows it");
            }
            return stages.get(index).handle(ex, at(index + 1));
        };
    }
}
