package dev.tokenwise.gateway.context;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Principal;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import dev.tokenwise.gateway.provider.ModelRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Batch jobs: a list of chat requests split into one provider batch per model, polled when the
 * client asks for the status, and answered with one {@link Reply} per request whose upstream call
 * carries the provider's batch discount. Jobs live in memory for 7 days (a restart forgets them).
 */
public final class BatchService implements AutoCloseable {
    /** Receives each finished request of a job once (the ledger records it). */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (jobId, owner, feature, customId, request, reply) -> {};

        void completed(String jobId, Principal owner, String feature, String customId, ChatRequest request, Reply reply);
    }

    /** One request's result: its reply, or the error it failed with. */
    public record Result(String customId, Reply reply, GatewayException error) {}

    private static final class Part {
        final String model;
        final ModelRegistry.Binding binding;
        final BatchBackend backend;
        final List<BatchBackend.Item> items;
        String remoteId;
        BatchBackend.Poll.State state = BatchBackend.Poll.State.IN_PROGRESS;
        String message;
        Map<String, BatchBackend.Outcome> outcomes;

        Part(String model, ModelRegistry.Binding binding, BatchBackend backend, List<BatchBackend.Item> items) {
            this.model = model;
            this.binding = binding;
            this.backend = backend;
            this.items = items;
        }
    }

    private static final class Job {
        final String id;
        final Principal owner;
        final String feature;
        final boolean notify;
        final long createdAt;
        final List<BatchBackend.Item> items;
        final List<Part> parts;
        List<Result> results;

        Job(String id, Principal owner, String feature, boolean notify, long createdAt, List<BatchBackend.Item> items,
            List<Part> parts) {
            this.id = id;
            this.notify = notify;
            this.owner = owner;
            this.feature = feature;
            this.createdAt = createdAt;
            this.items = items;
            this.parts = parts;
        }
    }

    private final ModelRegistry registry;
    private final Map<String, BatchBackend> backends;
    private final LocalBatchBackend local;
    private final InstantSource clock;
    private final Listener listener;
    private final Cache<String, Job> jobs = Caffeine.newBuilder().expireAfterWrite(Duration.ofDays(7)).build();

    BatchService(ModelRegistry registry, Map<String, BatchBackend> backends, LocalBatchBackend local,
                 InstantSource clock, Listener listener) {
        this.registry = registry;
        this.backends = Map.copyOf(backends);
        this.local = local;
        this.clock = clock;
        this.listener = listener == null ? Listener.NONE : listener;
    }

    /**
     * Submits a job of (custom id, request) pairs for {@code owner} (its tenant may read the job;
     * its key is charged in the ledger); every model must be configured. Returns the job id.
     */
    public String submit(Map<String, ChatRequest> requests, Principal owner, String feature) {
        return submit(requests, owner, feature, true);
    }

    /**
     * @param notify tell the listener about each finished request; false when the request is
     *     answered (and so recorded) through the pipeline, as a waiting deferrable request is
     */
    String submit(Map<String, ChatRequest> requests, Principal owner, String feature, boolean notify) {
        List<BatchBackend.Item> items = new ArrayList<>();
        requests.forEach((id, r) -> items.add(new BatchBackend.Item(id, r)));
        Map<String, List<BatchBackend.Item>> byModel = new LinkedHashMap<>();
        for (BatchBackend.Item i : items) byModel.computeIfAbsent(i.request().model(), k -> new ArrayList<>()).add(i);
        List<Part> parts = new ArrayList<>();
        for (Map.Entry<String, List<BatchBackend.Item>> e : byModel.entrySet()) {
            ModelRegistry.Binding b = registry.resolve(e.getKey());
            BatchBackend backend = backends.getOrDefault(b.model().provider(), local);
            parts.add(new Part(e.getKey(), b, backend, List.copyOf(e.getValue())));
        }
        for (Part p : parts) p.remoteId = p.backend.submit(p.model, p.binding, p.items);
        String id = "batch_" + UUID.randomUUID().toString().replace("-", "");
        jobs.put(id, new Job(id, owner, feature == null || feature.isBlank() ? "untagged" : feature, notify,
                clock.instant().getEpochSecond(), List.copyOf(items), parts));
        return id;
    }

    /** True once every part has finished (completed or failed); polls the providers. */
    public boolean done(String id, String tenant) {
        Job job = job(id, tenant);
        refresh(job);
        synchronized (job) { return job.results != null; }
    }

    /** The job's status object for the API. */
    public ObjectNode status(String id, String tenant) {
        Job job = job(id, tenant);
        refresh(job);
        ObjectNode o = Json.object();
        o.put("id", job.id);
        o.put("object", "tokenwise.batch");
        o.put("created_at", job.createdAt);
        synchronized (job) {
            boolean finished = job.results != null;
            long failed = finished ? job.results.stream().filter(r -> r.error() != null).count() : 0;
            o.put("status", !finished ? "in_progress" : failed == job.items.size() ? "failed" : "completed");
            ObjectNode counts = o.putObject("request_counts");
            counts.put("total", job.items.size());
            counts.put("completed", finished ? job.items.size() - failed : 0);
            counts.put("failed", failed);
            ArrayNode parts = o.putArray("provider_batches");
            for (Part p : job.parts) {
                ObjectNode n = parts.addObject();
                n.put("model", p.model);
                n.put("provider", p.binding.model().provider());
                n.put("id", p.remoteId);
                n.put("status", p.state.name().toLowerCase(java.util.Locale.ROOT));
                if (p.message != null) n.put("message", p.message);
            }
        }
        return o;
    }

    /** The results, in submission order; 409 while the job is still running. */
    public List<Result> results(String id, String tenant) {
        Job job = job(id, tenant);
        refresh(job);
        synchronized (job) {
            if (job.results == null) {
                throw GatewayException.builder(409, "Batch " + id + " is still in progress; poll GET /v1/tokenwise/batches/" + id + " until its status is 'completed'.")
                        .type("invalid_request_error").code("batch_not_ready").build();
            }
            return job.results;
        }
    }

    private Job job(String id, String tenant) {
        Job job = jobs.getIfPresent(id);
        if (job == null || !job.owner.tenant().equals(tenant)) throw GatewayException.notFound("No batch with id '" + id + "'.");
        return job;
    }

    private void refresh(Job job) {
        synchronized (job) {
            if (job.results != null) return;
            boolean all = true;
            for (Part p : job.parts) {
                if (p.state == BatchBackend.Poll.State.IN_PROGRESS) {
                    BatchBackend.Poll poll = p.backend.poll(p.binding, p.remoteId);
                    p.state = poll.state();
                    p.message = poll.message();
                    if (p.state == BatchBackend.Poll.State.COMPLETED) p.outcomes = p.backend.results(p.model, p.binding, p.remoteId);
                }
                all &= p.state != BatchBackend.Poll.State.IN_PROGRESS;
            }
            if (!all) return;
            List<Result> results = new ArrayList<>();
            for (BatchBackend.Item item : job.items) {
                Part p = job.parts.stream().filter(x -> x.items.contains(item)).findFirst().orElseThrow();
                BatchBackend.Outcome o = p.outcomes == null ? null : p.outcomes.get(item.customId());
                if (o == null) {
                    String why = p.message != null ? p.message : "the provider returned no result for this request";
                    results.add(new Result(item.customId(), null, GatewayException.builder(502, why).type("api_error")
                            .code("upstream_batch_error").provider(p.binding.model().provider()).build()));
                } else if (o.error() != null) {
                    results.add(new Result(item.customId(), null, o.error()));
                } else {
                    results.add(new Result(item.customId(), reply(job, p, o.response()), null));
                }
            }
            job.results = List.copyOf(results);
            for (int i = 0; job.notify && i < job.items.size(); i++) {
                Result r = job.results.get(i);
                if (r.reply() != null) listener.completed(job.id, job.owner, job.feature, r.customId(), job.items.get(i).request(), r.reply());
            }
        }
    }

    private Reply reply(Job job, Part p, ChatResponse response) {
        Usage usage = response.usage() != null ? response.usage() : Usage.ZERO;
        double discount = p.backend.discount(p.binding);
        UpstreamCall call = new UpstreamCall(p.model, p.binding.model().provider(), usage, 0, discount);
        return new Reply(response, p.model, p.binding.model().provider(), "bypass", List.of(call),
                List.of(new Applied(Applied.BATCH, "job " + job.id + " via " + p.binding.model().provider()
                        + (discount > 0 ? " batch, " + Math.round(discount * 100) + "% discount" : " (no batch discount)"))));
    }

    @Override
    public void close() {
        local.close();
    }
}
