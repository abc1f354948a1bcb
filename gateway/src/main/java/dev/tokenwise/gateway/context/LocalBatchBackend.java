package dev.tokenwise.gateway.context;

import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.gateway.provider.ModelRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs a batch locally and asynchronously through the model's ordinary adapter: the batch path for
 * mock models (which imitate a provider's 50% batch price) and for providers without a batch API
 * (which get no discount).
 */
final class LocalBatchBackend implements BatchBackend, AutoCloseable {
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Map<String, CompletableFuture<Outcome>>> batches = new ConcurrentHashMap<>();

    @Override
    public String submit(String model, ModelRegistry.Binding b, List<Item> items) {
        String id = "local_batch_" + UUID.randomUUID().toString().replace("-", "");
        Map<String, CompletableFuture<Outcome>> futures = new LinkedHashMap<>();
        for (Item item : items) {
            futures.put(item.customId(), CompletableFuture.supplyAsync(() -> {
                try {
                    return new Outcome(b.provider().complete(item.request().withField("stream", null), b.model()), null);
                } catch (GatewayException e) {
                    return new Outcome(null, e);
                } catch (RuntimeException e) {
                    return new Outcome(null, GatewayException.internal("batch item failed: " + e.getMessage(), e));
                }
            }, executor));
        }
        batches.put(id, futures);
        return id;
    }

    @Override
    public Poll poll(ModelRegistry.Binding b, String remoteId) {
        Map<String, CompletableFuture<Outcome>> f = batches.get(remoteId);
        if (f == null) return new Poll(Poll.State.FAILED, "unknown local batch " + remoteId);
        boolean done = f.values().stream().allMatch(CompletableFuture::isDone);
        return new Poll(done ? Poll.State.COMPLETED : Poll.State.IN_PROGRESS, null);
    }

    @Override
    public Map<String, Outcome> results(String model, ModelRegistry.Binding b, String remoteId) {
        Map<String, Outcome> out = new LinkedHashMap<>();
        Map<String, CompletableFuture<Outcome>> futures = batches.remove(remoteId);
        if (futures == null) return out;
        futures.forEach((id, f) -> {
            try {
                out.put(id, f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw GatewayException.internal("interrupted while reading batch results", e);
            } catch (ExecutionException e) {
                out.put(id, new Outcome(null, GatewayException.internal("batch item failed", e.getCause())));
            }
        });
        return out;
    }

    @Override
    public double discount(ModelRegistry.Binding b) {
        return "mock".equals(b.model().provider()) ? 0.5 : 0;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
