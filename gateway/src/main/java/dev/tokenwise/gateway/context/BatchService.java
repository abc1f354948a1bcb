package dev.tokenwise.gateway.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.keys.ApiKey;
import dev.tokenwise.gateway.keys.BudgetGuard;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Principal;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import dev.tokenwise.gateway.provider.ModelRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batch jobs: a list of chat requests split into one provider batch per model, polled when the
 * client asks for the status (and by a serving gateway every {@link #BACKGROUND_POLL}, so a job
 * nobody reads is still settled and recorded), and answered with one {@link Reply} per request whose upstream call
 * carries the provider's batch discount.
 *
 * <p>Budgets: on submission each request of a key with a budget is capped and reserved in
 * submission order, by the same rules as a chat completion ({@link BudgetGuard}, at the batch
 * price); a request that does not fit is not sent and fails with the chat path's
 * {@code budget_exceeded} error in the job's results. When the job finishes every reservation is
 * replaced by the request's actual cost (0 for a failed request).
 *
 * <p>Jobs are kept for 7 days in the {@link BatchJournal}. Read back after a restart, a job that
 * had finished serves its results; an unfinished part at OpenAI or Anthropic is polled again
 * under its provider batch id; an unfinished part that ran inside the gateway (mock models,
 * providers without a batch API) died with the process, so its requests fail with a message that
 * says so and their reservations are released.
 */
public final class BatchService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchService.class);
    static final Duration RETENTION = Duration.ofDays(7);
    static final String RESTARTED = "the gateway restarted before this batch finished; its requests ran inside the "
            + "gateway process and were lost: submit them again";

    /** Receives each finished request of a job once (the ledger records it). */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (jobId, owner, feature, customId, request, reply) -> {};

        void completed(String jobId, Principal owner, String feature, String customId, ChatRequest request, Reply reply);
    }

    /** One request's result: its reply, or the error it failed with. */
    public record Result(String customId, Reply reply, GatewayException error) {}

    private final ModelRegistry registry;
    private final Map<String, BatchBackend> backends;
    private final LocalBatchBackend local;
    private final InstantSource clock;
    private final Listener listener;
    private final BudgetGuard budget;
    private final BatchJournal journal;
    private final Map<String, BatchJob> jobs = new ConcurrentHashMap<>();
    /** How often a serving gateway polls unfinished jobs by itself. */
    public static final Duration BACKGROUND_POLL = Duration.ofSeconds(60);
    /** Polls unfinished jobs in the background once {@link #pollInBackground} started it. */
    private volatile ScheduledExecutorService poller;

    /** Jobs without budgets, in memory only (the backends' own tests). */
    BatchService(ModelRegistry registry, Map<String, BatchBackend> backends, LocalBatchBackend local,
                 InstantSource clock, Listener listener) {
        this(registry, backends, local, clock, listener, null, BatchJournal.NONE);
    }

    /**
     * @param budget the budget rules of the gateway's keys; null enforces none
     * @param journal where jobs are kept; the jobs of the last 7 days are read back from it here
     */
    BatchService(ModelRegistry registry, Map<String, BatchBackend> backends, LocalBatchBackend local,
                 InstantSource clock, Listener listener, BudgetGuard budget, BatchJournal journal) {
        this.registry = registry;
        this.backends = Map.copyOf(backends);
        this.local = local;
        this.clock = clock;
        this.listener = listener == null ? Listener.NONE : listener;
        this.budget = budget;
        this.journal = journal;
        recover();
    }

    /**
     * Submits a job of (custom id, request) pairs for {@code owner} (its tenant may read the job;
     * its key is charged in the ledger and, with a budget, reserved for each request); every model
     * must be configured. Returns the job id.
     */
    public String submit(Map<String, ChatRequest> requests, Principal owner, String feature) {
        return submit(requests, owner, feature, true);
    }

    /**
     * @param notify tell the listener about each finished request and enforce the key's budget;
     *     false when the request is answered through the pipeline (whose stages record it and
     *     enforce the budget), as a waiting deferrable request is
     */
    String submit(Map<String, ChatRequest> requests, Principal owner, String feature, boolean notify) {
        purgeExpired();
        Map<String, BatchJob.Route> routes = new LinkedHashMap<>();
        for (ChatRequest r : requests.values()) routes.computeIfAbsent(r.model(), this::route);
        ApiKey key = budget == null || !notify ? null : budget.budgeted(owner, null);
        List<BatchBackend.Item> items = new ArrayList<>();
        Map<String, BudgetGuard.Reservation> reservations = new LinkedHashMap<>();
        Map<String, GatewayException> rejected = new LinkedHashMap<>();
        for (Map.Entry<String, ChatRequest> e : requests.entrySet()) {
            ChatRequest r = e.getValue();
            if (key != null) {
                r = budget.capped(r);
                BatchJob.Route route = routes.get(r.model());
                try {
                    reservations.put(e.getKey(), budget.reserve(key, r, route.backend().discount(route.binding())));
                } catch (GatewayException refused) {
                    if (!"budget_exceeded".equals(refused.code())) {
                        release(reservations, refused);
                        throw refused;
                    }
                    rejected.put(e.getKey(), refused);
                }
            }
            items.add(new BatchBackend.Item(e.getKey(), r));
        }
        Map<String, List<BatchBackend.Item>> byModel = new LinkedHashMap<>();
        for (BatchBackend.Item i : items) {
            if (!rejected.containsKey(i.customId())) byModel.computeIfAbsent(i.request().model(), k -> new ArrayList<>()).add(i);
        }
        List<BatchJob.Part> parts = new ArrayList<>();
        boolean anySent = false;
        for (Map.Entry<String, List<BatchBackend.Item>> e : byModel.entrySet()) {
            BatchJob.Route route = routes.get(e.getKey());
            BatchJob.Part p = new BatchJob.Part(e.getKey(), route.binding(), route.backend(), List.copyOf(e.getValue()));
            try {
                p.remoteId = p.backend.submit(p.model, p.binding, p.items);
                anySent = true;
            } catch (RuntimeException failed) {
                // nothing sent yet: refuse the whole job; otherwise the sent parts are running
                // and this one is recorded as failed in the job
                if (!anySent) {
                    release(reservations, failed);
                    throw failed;
                }
                p.state = BatchBackend.Poll.State.FAILED;
                p.message = failed.getMessage();
            }
            parts.add(p);
        }
        String id = "batch_" + UUID.randomUUID().toString().replace("-", "");
        BatchJob job = new BatchJob(id, owner, feature == null || feature.isBlank() ? "untagged" : feature, notify,
                clock.instant().getEpochSecond(), items, reservations, rejected, parts);
        jobs.put(id, job);
        synchronized (job) {
            try {
                journal.submitted(job.id, owner.tenant(), job.createdAt, job.toJson());
            } catch (RuntimeException e) {
                LOG.warn("batch {}: could not store the job, it will not survive a restart: {}", id, e.toString());
            }
        }
        return id;
    }

    private BatchJob.Route route(String model) {
        ModelRegistry.Binding b = registry.resolve(model);
        return new BatchJob.Route(b, backends.getOrDefault(b.model().provider(), local));
    }

    private void release(Map<String, BudgetGuard.Reservation> reservations, Throwable failure) {
        reservations.values().forEach(r -> budget.settleQuietly(r, 0, failure));
    }

    /** True once every part has finished (completed or failed); polls the providers. */
    public boolean done(String id, String tenant) {
        BatchJob job = job(id, tenant);
        refresh(job);
        synchronized (job) { return job.finished(); }
    }

    /** The job's status object for the API. */
    public ObjectNode status(String id, String tenant) {
        BatchJob job = job(id, tenant);
        refresh(job);
        return statusOf(job);
    }

    /** The status of the tenant's jobs, newest first (at most {@code limit}). */
    public List<ObjectNode> list(String tenant, int limit) {
        purgeExpired();
        List<BatchJob> own = jobs.values().stream().filter(j -> j.owner.tenant().equals(tenant))
                .sorted(Comparator.comparingLong((BatchJob j) -> j.createdAt).reversed().thenComparing(j -> j.id))
                .limit(limit).toList();
        List<ObjectNode> out = new ArrayList<>();
        for (BatchJob j : own) {
            refresh(j);
            out.add(statusOf(j));
        }
        return out;
    }

    private ObjectNode statusOf(BatchJob job) {
        ObjectNode o = Json.object();
        o.put("id", job.id);
        o.put("object", "tokenwise.batch");
        o.put("created_at", job.createdAt);
        synchronized (job) {
            boolean finished = job.finished();
            long failed = finished ? job.results.stream().filter(r -> r.error() != null).count() : job.rejected.size();
            long succeeded = finished ? job.items.size() - failed : 0;
            o.put("status", !finished ? "in_progress" : failed == job.items.size() ? "failed" : "completed");
            ObjectNode counts = o.putObject("request_counts");
            counts.put("total", job.items.size());
            counts.put("completed", succeeded);
            counts.put("failed", failed);
            if (!job.rejected.isEmpty()) counts.put("budget_exceeded", job.rejected.size());
            ArrayNode parts = o.putArray("provider_batches");
            for (BatchJob.Part p : job.parts) {
                ObjectNode n = parts.addObject();
                n.put("model", p.model);
                n.put("provider", p.provider());
                n.put("id", p.remoteId);
                n.put("status", p.state.name().toLowerCase(Locale.ROOT));
                if (p.message != null) n.put("message", p.message);
            }
        }
        return o;
    }

    /** The results, in submission order; 409 while the job is still running. */
    public List<Result> results(String id, String tenant) {
        BatchJob job = job(id, tenant);
        refresh(job);
        synchronized (job) {
            if (!job.finished()) {
                throw GatewayException.builder(409, "Batch " + id + " is still in progress; poll GET /v1/tokenwise/batches/" + id + " until its status is 'completed'.")
                        .type("invalid_request_error").code("batch_not_ready").build();
            }
            return job.results;
        }
    }

    private BatchJob job(String id, String tenant) {
        BatchJob job = jobs.get(id);
        if (job != null && expired(job)) {
            jobs.remove(id);
            job = null;
        }
        if (job == null || !job.owner.tenant().equals(tenant)) throw GatewayException.notFound("No batch with id '" + id + "'.");
        return job;
    }

    /**
     * Polls every unfinished job once and finishes those whose parts all ended, which settles
     * their reservations and records them in the ledger — so a job is accounted for even if nobody
     * reads its status. A provider that fails to answer is logged and tried again next time.
     * Returns how many jobs this call finished.
     */
    public int pollUnfinished() {
        int finished = 0;
        for (BatchJob job : jobs.values()) {
            synchronized (job) {
                if (job.finished()) continue;
            }
            try {
                refresh(job);
            } catch (RuntimeException e) {
                LOG.warn("batch {}: background poll failed, trying again later: {}", job.id, e.toString());
                continue;
            }
            synchronized (job) {
                if (job.finished()) finished++;
            }
        }
        return finished;
    }

    /** Starts polling unfinished jobs every {@code every} on one daemon thread (once; stopped by {@link #close}). */
    public synchronized void pollInBackground(Duration every) {
        if (poller != null) return;
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tokenwise-batch-poller");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(() -> {
            try {
                pollUnfinished();
            } catch (RuntimeException e) {
                LOG.warn("batch background poll failed: {}", e.toString());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private boolean expired(BatchJob job) {
        return job.createdAt < clock.instant().minus(RETENTION).getEpochSecond();
    }

    private void purgeExpired() {
        jobs.values().removeIf(this::expired);
    }

    private void refresh(BatchJob job) {
        synchronized (job) {
            if (job.finished()) return;
            boolean all = true;
            for (BatchJob.Part p : job.parts) {
                if (p.state == BatchBackend.Poll.State.IN_PROGRESS) {
                    BatchBackend.Poll poll = p.backend.poll(p.binding, p.remoteId);
                    p.state = poll.state();
                    p.message = poll.message();
                    if (p.state == BatchBackend.Poll.State.COMPLETED) p.outcomes = p.backend.results(p.model, p.binding, p.remoteId);
                }
                all &= p.state != BatchBackend.Poll.State.IN_PROGRESS;
            }
            if (!all) return;
            finish(job);
        }
    }

    /** Builds the results of a job whose parts all finished, settles its reservations and records it. */
    private void finish(BatchJob job) {
        Map<String, BatchJob.Part> partOf = new LinkedHashMap<>();
        for (BatchJob.Part p : job.parts) p.items.forEach(i -> partOf.put(i.customId(), p));
        List<Result> results = new ArrayList<>();
        for (BatchBackend.Item item : job.items) {
            GatewayException refused = job.rejected.get(item.customId());
            if (refused != null) {
                results.add(new Result(item.customId(), null, refused));
                continue;
            }
            BatchJob.Part p = partOf.get(item.customId());
            BatchBackend.Outcome o = p.outcomes == null ? null : p.outcomes.get(item.customId());
            if (o == null) {
                String why = p.message != null ? p.message : "the provider returned no result for this request";
                results.add(new Result(item.customId(), null, GatewayException.builder(502, why).type("api_error")
                        .code("upstream_batch_error").provider(p.provider()).build()));
            } else if (o.error() != null) {
                results.add(new Result(item.customId(), null, o.error()));
            } else {
                results.add(new Result(item.customId(), reply(job.id, p.model, p.provider(), p.backend.discount(p.binding), o.response()), null));
            }
        }
        job.results = List.copyOf(results);
        // settle and record once, even if a second process read the same job back
        if (!storeFinished(job)) return;
        settle(job);
        for (int i = 0; job.notify && i < job.items.size(); i++) {
            Result r = job.results.get(i);
            if (r.reply() != null) listener.completed(job.id, job.owner, job.feature, r.customId(), job.items.get(i).request(), r.reply());
        }
    }

    /**
     * Replaces each request's reservation by its actual cost. A budget store failure here leaves
     * that reservation held (the key can spend less, never more) and is logged.
     */
    private void settle(BatchJob job) {
        if (budget == null) return;
        for (Result r : job.results) {
            BudgetGuard.Reservation res = job.reservations.get(r.customId());
            if (res == null) continue;
            try {
                budget.settle(res, r.reply() == null ? 0 : budget.actualNanos(r.reply().calls()));
            } catch (RuntimeException e) {
                LOG.warn("batch {}: could not settle the reservation of request {} ({} nano-USD stays reserved): {}",
                        job.id, r.customId(), res.nanos(), e.toString());
            }
        }
    }

    /** False when the journal says the job was finished before; a journal failure is logged and counts as true. */
    private boolean storeFinished(BatchJob job) {
        try {
            return journal.finished(job.id, job.owner.tenant(), job.createdAt, job.toJson());
        } catch (RuntimeException e) {
            LOG.warn("batch {}: could not store the finished job, its results will not survive a restart: {}", job.id, e.toString());
            return true;
        }
    }

    /**
     * Reads the last 7 days of jobs back from the journal. Parts that ran inside the previous
     * process are failed; jobs with nothing left running are finished at once, which releases
     * their reservations.
     */
    private void recover() {
        for (JsonNode row : journal.load(clock.instant().minus(RETENTION).getEpochSecond())) {
            BatchJob job = BatchJob.fromJson(row, this::recoveredRoute);
            synchronized (job) {
                if (!job.finished()) {
                    // budgets counted in memory started empty: hold the job's reservations again
                    // before anything settles them
                    if (budget != null) job.reservations.values().forEach(budget::restoreAfterRestart);
                    for (BatchJob.Part p : job.parts) {
                        if (p.state != BatchBackend.Poll.State.IN_PROGRESS) continue;
                        if (p.binding == null) {
                            p.state = BatchBackend.Poll.State.FAILED;
                            p.message = "model '" + p.model + "' is no longer configured on this gateway";
                        } else if (p.backend == local) {
                            p.state = BatchBackend.Poll.State.FAILED;
                            p.message = RESTARTED;
                        }
                    }
                    if (job.parts.stream().noneMatch(p -> p.state == BatchBackend.Poll.State.IN_PROGRESS)) finish(job);
                }
            }
            jobs.put(job.id, job);
        }
    }

    private BatchJob.Route recoveredRoute(String model) {
        try {
            return route(model);
        } catch (GatewayException e) {
            return new BatchJob.Route(null, local);
        }
    }

    static Reply reply(String jobId, String model, String provider, double discount, ChatResponse response) {
        Usage usage = response.usage() != null ? response.usage() : Usage.ZERO;
        UpstreamCall call = new UpstreamCall(model, provider, usage, 0, discount);
        return new Reply(response, model, provider, "bypass", List.of(call),
                List.of(new Applied(Applied.BATCH, "job " + jobId + " via " + provider
                        + (discount > 0 ? " batch, " + Math.round(discount * 100) + "% discount" : " (no batch discount)"))));
    }

    @Override
    public void close() {
        if (poller != null) poller.shutdownNow();
        local.close();
    }
}
