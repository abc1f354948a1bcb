package dev.tokenwise.audit.simulate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.audit.find.AuditDb;
import dev.tokenwise.audit.find.Pricer;
import dev.tokenwise.core.cache.HitVerifier;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.cache.Embedder;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Pipeline;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import dev.tokenwise.gateway.stage.CacheStage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntConsumer;

/**
 * Replays a log through the recommended configuration and bills it before and after. Strategies
 * are applied in one pipeline; each strategy's share is what switching it on adds to the ones
 * before it ({@link Strategy} order), so the shares add up exactly to the combined saving, which
 * is one replay with everything on.
 */
public final class Simulation {
    /** The bill of one strategy in the waterfall. */
    public record Step(String strategy, double savedUsd, double savedPerMonthUsd, double shareOfSaving, long requestsApplied) {}

    /**
     * @param baselineUsd the log as it was billed (requested models, full prompts, no cache)
     * @param afterUsd the same log through the recommended configuration
     * @param savedUsd baseline minus after (the combined replay)
     * @param savingPct saved as a percentage of baseline
     * @param waterfall per-strategy shares in pipeline order; they add up to {@code savedUsd}
     */
    public record Result(double baselineUsd, double afterUsd, double savedUsd, double savingPct,
                         double baselinePerMonthUsd, double afterPerMonthUsd, double savedPerMonthUsd,
                         List<String> strategies, List<Step> waterfall, long requests) {}

    /** The bill of one replay. */
    record Bill(double baseline, double after, Map<String, Long> applied) {}

    private final List<ReplayRow> rows;
    private final Pricer pricer;
    private final Set<String> models = new TreeSet<>();
    private final SharedEmbedder embedder = new SharedEmbedder(Embedder::miniLm);
    private final HitVerifier verifier = HitVerifier.bundled();

    private Simulation(List<ReplayRow> rows, Pricer pricer) {
        this.rows = rows;
        this.pricer = pricer;
        for (ReplayRow r : rows) {
            models.add(r.model());
            models.add(r.smallModel());
        }
    }

    /** Reads the rows to replay from the store, in arrival order. */
    public static Simulation of(AuditDb db) {
        List<ReplayRow> rows = new ArrayList<>();
        Map<String, String> texts = new HashMap<>();
        String sql = "SELECT idx, ts_ms, model, feature, req_hash, small_model, input, cached, output, max_tokens, stream, "
                + "system_hash, system_tokens, has_text, prompt, msg_count FROM requests ORDER BY ts_ms, idx";
        try (Statement s = db.connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                long max = rs.getLong(10);
                if (rs.wasNull()) max = -1;
                long sh = rs.getLong(12);
                Long systemHash = rs.wasNull() ? null : sh;
                // repeated texts share one string (a log repeats its models, features, FAQs and templates many times)
                String prompt = shared(texts, rs.getString(15));
                rows.add(new ReplayRow(rs.getLong(1), rs.getLong(2), shared(texts, rs.getString(3)), shared(texts, rs.getString(4)),
                        rs.getLong(5), shared(texts, rs.getString(6)),
                        rs.getLong(7), rs.getLong(8), rs.getLong(9), max, rs.getBoolean(11), systemHash, rs.getLong(13),
                        rs.getBoolean(14), prompt, rs.getInt(16)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading rows to replay failed: " + e.getMessage(), e);
        }
        return new Simulation(rows, db.pricer());
    }

    private static String shared(Map<String, String> texts, String s) {
        return s == null ? null : texts.computeIfAbsent(s, t -> t);
    }

    /**
     * Bills the log through every prefix of the plan's strategies (none, first, first two, ...);
     * the last prefix is the combined configuration. Prefixes that differ only in the strategies
     * after the caches share one pass ({@link #replayAll}); each shorter cache configuration gets
     * its own pass. The passes run on both cores.
     *
     * @param progress hears the number of the pass finished
     */
    public Result run(Plan plan, double monthFactor, IntConsumer progress) {
        List<Strategy> on = new ArrayList<>();
        for (Strategy s : Strategy.values()) if (plan.on(s)) on.add(s);
        int caches = (int) on.stream().filter(Strategy::caches).count();
        List<java.util.function.Supplier<List<Bill>>> passes = new ArrayList<>();
        passes.add(() -> replayAll(plan));
        for (int k = 0; k < caches; k++) {
            EnumSet<Strategy> strategies = EnumSet.noneOf(Strategy.class);
            strategies.addAll(on.subList(0, k));
            Plan prefix = plan.only(strategies);
            passes.add(() -> List.of(replay(prefix)));
        }
        java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();
        List<List<Bill>> results = passes.parallelStream().map(p -> {
            List<Bill> b = p.get();
            progress.accept(finished.incrementAndGet());
            return b;
        }).toList();
        List<Bill> bills = new ArrayList<>();
        for (int k = 1; k < results.size(); k++) bills.addAll(results.get(k));
        bills.addAll(results.get(0));
        Bill base = bills.get(0);
        double previous = base.after();
        List<Step> steps = new ArrayList<>();
        Bill last = base;
        for (int k = 1; k < bills.size(); k++) {
            Strategy s = on.get(k - 1);
            last = bills.get(k);
            double saved = previous - last.after();
            steps.add(new Step(s.id(), saved, saved * monthFactor, 0, last.applied().getOrDefault(s.id(), 0L)));
            previous = last.after();
        }
        double total = base.baseline() - last.after();
        List<Step> withShare = steps.stream().map(st -> new Step(st.strategy(), st.savedUsd(), st.savedPerMonthUsd(),
                total == 0 ? 0 : st.savedUsd() / total, st.requestsApplied())).toList();
        double pct = base.baseline() == 0 ? 0 : 100 * total / base.baseline();
        return new Result(base.baseline(), last.after(), total, pct, base.baseline() * monthFactor, last.after() * monthFactor,
                total * monthFactor, on.stream().map(Strategy::id).toList(), withShare, rows.size());
    }

    /** How many passes {@link #run} makes over the log for a plan: one, plus one per cache strategy. */
    public static int passes(Plan plan) {
        return 1 + (int) plan.strategies().stream().filter(Strategy::caches).count();
    }

    /**
     * One pass of the log through the plan's full pipeline with a tap after the caches and after
     * every strategy but the last: the bills of every prefix that has all the plan's caches (the
     * first has only the caches, the last is the whole plan). A cached request costs nothing at
     * every level; otherwise each level pays what its tap's provider call cost, and counts the
     * strategies of its prefix among those applied to the request.
     *
     * <p>With a cache, the pass runs on two threads: one sends each request through the cache
     * stage, and hands each miss (in order, through a bounded queue) to the other, which runs the
     * stages after the cache. Sound for the same reason as the taps: what the cache does with a
     * request never depends on the reply beyond its being storable, which every replayed answer is.
     */
    List<Bill> replayAll(Plan plan) {
        List<Strategy> on = new ArrayList<>();
        for (Strategy s : Strategy.values()) if (plan.on(s)) on.add(s);
        int from = (int) on.stream().filter(Strategy::caches).count();
        ReplayPipeline.Taps taps = new ReplayPipeline.Taps(on.size());
        LevelBills head = new LevelBills(on, from);
        LevelBills tail = new LevelBills(on, from);
        try (ReplayPipeline rp = ReplayPipeline.build(plan, models, embedder, verifier, taps)) {
            if (rp.headStages() == 0) {
                Pipeline p = rp.pipeline();
                for (ReplayRow r : rows) {
                    taps.reset();
                    head.add(r, p.execute(exchange(r)), taps);
                }
            } else {
                replaySplit(rp, taps, head, tail);
            }
        }
        List<Bill> out = new ArrayList<>();
        for (int l = from; l <= on.size(); l++) {
            Map<String, Long> applied = new LinkedHashMap<>(head.applied.get(l));
            tail.applied.get(l).forEach((k, v) -> applied.merge(k, v, Long::sum));
            out.add(new Bill(head.baseline, head.after[l] + tail.after[l], applied));
        }
        return out;
    }

    private static final String HANDOFF = "handoff";
    private static final Object END = new Object();

    private void replaySplit(ReplayPipeline rp, ReplayPipeline.Taps taps, LevelBills head, LevelBills tail) {
        java.util.concurrent.BlockingQueue<Object> queue = new java.util.concurrent.ArrayBlockingQueue<>(4096);
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Pipeline after = rp.tail();
        Thread worker = Thread.ofPlatform().name("audit-replay-after-cache").start(() -> {
            try {
                for (Object o = queue.take(); o != END; o = queue.take()) {
                    if (failure.get() != null) continue; // keep draining so the cache side never blocks
                    try {
                        taps.reset();
                        Exchange ex = (Exchange) o;
                        tail.addMiss(after.execute(ex), taps);
                    } catch (RuntimeException | Error e) {
                        failure.set(e);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Pipeline p = rp.head((ex, next) -> {
            try {
                queue.put(ex);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("replay interrupted", e);
            }
            ChatResponse stand = ChatResponse.of(HANDOFF, ex.request().model(), 0, "replayed answer", "stop", Usage.ZERO);
            return new Reply(stand, ex.request().model(), HANDOFF, "miss", List.of(), List.of());
        });
        try {
            for (ReplayRow r : rows) {
                rp.clock().set(r.tsMs());
                Reply reply = p.execute(exchange(r));
                if (HANDOFF.equals(reply.provider())) head.addBaseline(r); else head.add(r, reply, null);
            }
        } finally {
            try {
                queue.put(END);
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure.get() instanceof RuntimeException e) throw e;
        if (failure.get() instanceof Error e) throw e;
    }

    /** Per-level sums of a tapped pass (level = number of strategies in the prefix). */
    private final class LevelBills {
        final List<Strategy> on;
        final int from;
        double baseline;
        final double[] after;
        final List<Map<String, Long>> applied = new ArrayList<>();

        LevelBills(List<Strategy> on, int from) {
            this.on = on;
            this.from = from;
            this.after = new double[on.size() + 1];
            for (int l = 0; l <= on.size(); l++) applied.add(new LinkedHashMap<>());
        }

        void addBaseline(ReplayRow r) {
            baseline += pricer.rates(r.model()).cost(r.input(), r.cached(), r.output());
        }

        void add(ReplayRow r, Reply reply, ReplayPipeline.Taps taps) {
            addBaseline(r);
            addMiss(reply, taps);
        }

        /** A request's bill at every level: its tap's provider call there, else (answered by the cache) the reply itself. */
        void addMiss(Reply reply, ReplayPipeline.Taps taps) {
            int levels = on.size();
            for (int l = from; l <= levels; l++) {
                Reply at = l == levels || taps == null ? reply : taps.at(l);
                if (at == null) at = reply;
                after[l] += cost(at);
                for (Applied a : reply.applied()) {
                    int k = on.indexOf(Strategy.byId(a.strategy()));
                    if (k >= 0 && k < l) applied.get(l).merge(a.strategy(), 1L, Long::sum);
                }
            }
        }
    }

    private double cost(Reply reply) {
        double c = 0;
        for (UpstreamCall call : reply.calls()) {
            c += pricer.rates(call.model()).cost(call.usage().promptTokens(), call.usage().cachedTokens(), call.usage().completionTokens())
                    * (1 - call.discount());
        }
        return c;
    }

    /** One pass of the log through a pipeline built for the plan. */
    Bill replay(Plan plan) {
        try (ReplayPipeline rp = ReplayPipeline.build(plan, models, embedder, verifier)) {
            Pipeline p = rp.pipeline();
            double baseline = 0;
            double after = 0;
            Map<String, Long> applied = new LinkedHashMap<>();
            for (ReplayRow r : rows) {
                rp.clock().set(r.tsMs());
                Reply reply = p.execute(exchange(r));
                baseline += pricer.rates(r.model()).cost(r.input(), r.cached(), r.output());
                after += cost(reply);
                for (Applied a : reply.applied()) applied.merge(a.strategy(), 1L, Long::sum);
            }
            return new Bill(baseline, after, applied);
        }
    }

    /**
     * The request a logged row stands for. A single-turn prompt logged in full is sent as its
     * messages (system prompt as its fingerprint, the question as text), so the gateway's exact
     * and semantic caches key on it as they would in production; a longer conversation, or a
     * prompt cut in the store, carries its whole-conversation fingerprint as an earlier turn, so
     * only an identical conversation hits. Token-only rows bypass the cache. The logged token
     * counts ride in {@code metadata}, which never enters a cache key.
     */
    static Exchange exchange(ReplayRow r) {
        ObjectNode body = Json.object();
        body.put("model", r.model());
        ArrayNode messages = body.putArray("messages");
        if (r.systemHash() != null) messages.addObject().put("role", "system").put("content", "system prompt #" + Long.toHexString(r.systemHash()));
        boolean singleTurn = r.hasText() && r.msgCount() <= (r.systemHash() != null ? 2 : 1) && r.prompt().length() < AuditDb.TEXT_LIMIT;
        if (r.hasText() && !singleTurn) {
            messages.addObject().put("role", "assistant").put("content", "conversation #" + Long.toHexString(r.reqHash()));
        }
        messages.addObject().put("role", "user").put("content", r.hasText() ? r.prompt() : "");
        if (r.maxTokens() > 0) body.put("max_tokens", r.maxTokens());
        ObjectNode a = body.putObject(CostModelProvider.FIELD);
        a.put("idx", r.idx());
        a.put("input", r.input());
        a.put("cached", r.cached());
        a.put("output", r.output());
        if (r.systemHash() != null) a.put("system_hash", r.systemHash());
        a.put("system_tokens", r.systemTokens());
        a.put("msg_count", r.msgCount());
        // the replay bills the full answer; streaming only changes how a client receives it
        Map<String, String> headers = r.hasText() ? Map.of("x-tokenwise-feature", r.feature())
                : Map.of("x-tokenwise-feature", r.feature(), CacheStage.HEADER, "off");
        return Exchange.create("audit-" + r.idx(), Instant.ofEpochMilli(r.tsMs()), 0, new ChatRequest(body), headers, null);
    }
}
