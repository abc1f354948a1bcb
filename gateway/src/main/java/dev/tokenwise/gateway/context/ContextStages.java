package dev.tokenwise.gateway.context;

import dev.tokenwise.gateway.keys.BudgetGuard;
import dev.tokenwise.gateway.pipeline.Principal;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.provider.ModelRegistry;
import dev.tokenwise.gateway.server.Routes;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import okhttp3.OkHttpClient;

/**
 * The context-and-output part of a gateway: its stages in pipeline order (dedup, trim, output cap,
 * prompt cache, batch), the batch job API routes, and the {@link LengthMonitor} that reports how
 * often capped answers are cut. Only stages some route configures are added.
 */
public final class ContextStages implements AutoCloseable {
    private final List<Stage> stages;
    private final LengthMonitor lengthMonitor;
    private final BatchService batches;

    private ContextStages(List<Stage> stages, LengthMonitor lengthMonitor, BatchService batches) {
        this.stages = List.copyOf(stages);
        this.lengthMonitor = lengthMonitor;
        this.batches = batches;
    }

    /**
     * @param budget the keys' budget rules, applied to each request of a batch job
     * @param journal where batch jobs are kept across restarts
     */
    public static ContextStages create(ContextConfig config, ModelRegistry registry, InstantSource clock,
                                       LongSupplier nanoTime, Function<String, String> env, BatchService.Listener listener,
                                       BudgetGuard budget, BatchJournal journal) {
        LengthMonitor monitor = new LengthMonitor();
        OkHttpClient http = new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ofMinutes(5)).build();
        BatchHttp batchHttp = new BatchHttp(http, env);
        BatchService batches = new BatchService(registry,
                Map.of("openai", new OpenAiBatchBackend(batchHttp), "anthropic", new AnthropicBatchBackend(batchHttp, clock)),
                new LocalBatchBackend(), clock, listener, budget, journal);
        batches.pollInBackground(BatchService.BACKGROUND_POLL);
        List<Stage> stages = new ArrayList<>();
        if (config.any(r -> r.dedup() != null)) stages.add(new DedupStage(config));
        if (config.any(r -> r.trim() != null)) {
            stages.add(new TrimStage(config, new Summariser(registry, config.summariserModel(), nanoTime)));
        }
        if (config.any(r -> r.output() != null)) stages.add(new OutputCapStage(config, monitor));
        if (config.any(r -> r.promptCache() != null)) stages.add(new PromptCacheStage(config, registry));
        stages.add(new BatchStage(config, batches, nanoTime));
        return new ContextStages(stages, monitor, batches);
    }

    /** The stages to place before the provider stage, in order. */
    public List<Stage> stages() { return stages; }

    public LengthMonitor lengthMonitor() { return lengthMonitor; }

    public BatchService batches() { return batches; }

    /**
     * Adds the batch job API to the server; {@code authenticate} gives the caller's principal from
     * the request headers by the same key rules as the chat endpoint (a 401 when refused).
     */
    public void routes(Routes app, Function<Function<String, String>, Principal> authenticate) {
        new BatchApi(batches, authenticate).register(app);
    }

    @Override
    public void close() {
        batches.close();
    }
}
