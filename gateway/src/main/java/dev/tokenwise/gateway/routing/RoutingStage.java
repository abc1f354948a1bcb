package dev.tokenwise.gateway.routing;

import dev.tokenwise.core.routing.AnswerScorer;
import dev.tokenwise.core.routing.Calibrator;
import dev.tokenwise.core.routing.LearnedRouter;
import dev.tokenwise.core.routing.RulesRouter;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.Message;
import dev.tokenwise.gateway.config.ConfigException;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sends each request to the cheapest configured model that should answer it well, never to a
 * more expensive tier than the client asked for. Three routers: the playbook's task rules, the
 * learned prompt router, and the cascade (ask the small model, escalate when its answer scores
 * low; the reply then carries both calls, so both are paid for in the ledger).
 *
 * <p>Bypassed by {@code x-tokenwise-route: off}, by a model in {@code routing.pinned_models}, and
 * (cascade only) by streamed requests, whose first bytes cannot wait for a verdict on the answer.
 * The model that answered is always in {@code x-tokenwise-served-model}.
 */
public final class RoutingStage implements Stage {
    public static final String ROUTE_HEADER = "x-tokenwise-route";
    public static final String SERVED_MODEL_HEADER = "x-tokenwise-served-model";

    private final RoutingConfig config;
    private final Map<String, ModelConfig> models;
    private final Map<String, String> tierModels;
    private final LearnedRouter learned;
    private final AnswerScorer cascade;

    RoutingStage(RoutingConfig config, Map<String, ModelConfig> models, LearnedRouter learned, AnswerScorer cascade) {
        this.config = config;
        this.models = Map.copyOf(models);
        Map<String, String> tiers = new LinkedHashMap<>();
        for (RulesRouter.Tier t : RulesRouter.Tier.values()) {
            String m = config.tiers().get(t.configName);
            if (m == null) {
                m = models.entrySet().stream().filter(e -> t.configName.equals(e.getValue().tier()))
                        .map(Map.Entry::getKey).findFirst().orElse(null);
            }
            if (m != null) tiers.put(t.configName, m);
        }
        this.tierModels = Map.copyOf(tiers);
        this.learned = learned;
        this.cascade = cascade;
    }

    /** The stage for a validated configuration; loads router artifacts now, so a bad one fails at startup. */
    public static Stage create(RoutingConfig config, Map<String, ModelConfig> models) {
        if (!config.enabled()) return (ex, next) -> next.proceed(ex);
        try {
            LearnedRouter l = config.routerFile() == null ? LearnedRouter.bundled() : LearnedRouter.load(Path.of(config.routerFile()));
            AnswerScorer c = config.cascadeFile() == null ? AnswerScorer.bundled() : AnswerScorer.load(Path.of(config.cascadeFile()));
            RoutingStage s = new RoutingStage(config, models, l, c);
            s.threshold(l.calibration(), config.qualityTarget(), "routing.router_file");
            s.threshold(c.calibration(), config.qualityTarget(), "routing.cascade_file");
            for (RoutingConfig.Route r : config.routes()) {
                if (r.qualityTarget() != null) {
                    if ("learned".equals(r.router())) s.threshold(l.calibration(), r.qualityTarget(), "routing.router_file");
                    if ("cascade".equals(r.router())) s.threshold(c.calibration(), r.qualityTarget(), "routing.cascade_file");
                }
            }
            return s;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("routing: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() { return "routing"; }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        String requested = ex.request().model();
        String off = ex.header(ROUTE_HEADER);
        Decision d = (off != null && off.strip().toLowerCase(Locale.ROOT).equals("off")) || config.pinnedModels().contains(requested)
                ? null : decide(ex);
        if (d == null || d.router.equals("off")) return serve(ex, next, requested);
        String weak = tierModels.get("small");
        int requestedRank = rank(requested);
        if (d.router.equals("cascade")) {
            if (ex.streaming() || weak == null || rank(weak) >= requestedRank) return serve(ex, next, requested);
            return cascade(ex, next, requested, weak, d.qualityTarget);
        }
        String target = requested;
        String prompt = promptOf(ex.request());
        if (d.router.equals("rules")) {
            RulesRouter.Task task = RulesRouter.classify(prompt);
            String m = tierModels.get(task.tier.configName);
            if (m != null && rank(m) < requestedRank) target = m;
        } else {
            double threshold = threshold(learned.calibration(), d.qualityTarget, "routing.router_file");
            if (weak != null && rank(weak) < requestedRank && learned.difficulty(prompt) < threshold) target = weak;
        }
        if (target.equals(requested)) return serve(ex, next, requested);
        Reply r = serve(ex.withRequest(ex.request().withModel(target)), next, target);
        return r.withApplied(new Applied(Applied.ROUTING, requested + " -> " + target + " (" + d.router + ")"));
    }

    private Reply cascade(Exchange ex, Chain next, String strong, String weak, double target) {
        Exchange weakEx = ex.withRequest(ex.request().withModel(weak));
        Reply first = next.proceed(weakEx);
        double score = cascade.score(promptOf(ex.request()), first.response().text());
        double threshold = threshold(cascade.calibration(), target, "routing.cascade_file");
        if (1 - score < threshold) {
            ex.responseHeaders().put(SERVED_MODEL_HEADER, weak);
            return first.withApplied(new Applied(Applied.CASCADE,
                    String.format(Locale.ROOT, "%s -> %s (answer score %.2f accepted)", strong, weak, score)));
        }
        Reply second = serve(ex, next, strong);
        return second.withEarlierCalls(first.calls()).withApplied(new Applied(Applied.CASCADE,
                String.format(Locale.ROOT, "%s -> %s -> %s (answer score %.2f escalated)", strong, weak, strong, score)));
    }

    private static Reply serve(Exchange ex, Chain next, String model) {
        ex.responseHeaders().put(SERVED_MODEL_HEADER, model);
        return next.proceed(ex);
    }

    private record Decision(String router, double qualityTarget) {}

    private Decision decide(Exchange ex) {
        for (RoutingConfig.Route r : config.routes()) {
            boolean featureOk = r.feature() == null || r.feature().equals(ex.feature());
            boolean modelOk = r.model() == null || r.model().equals(ex.request().model());
            if (featureOk && modelOk) {
                return new Decision(r.router(), r.qualityTarget() != null ? r.qualityTarget() : config.qualityTarget());
            }
        }
        return new Decision(config.router(), config.qualityTarget());
    }

    private double threshold(List<Calibrator.Choice> calibration, double target, String key) {
        Calibrator.Choice best = null;
        for (Calibrator.Choice c : calibration) {
            if (c.qualityTarget() >= target - 1e-12 && (best == null || c.qualityTarget() < best.qualityTarget())) best = c;
        }
        if (best == null) {
            throw new ConfigException(key + ": no calibrated threshold for quality_target " + target + " (calibrated targets: "
                    + calibration.stream().map(Calibrator.Choice::qualityTarget).toList() + ")");
        }
        return best.threshold();
    }

    /** Cost rank of a model's tier: small 0, mid 1, large (or untiered: treated as the top) 2. */
    private int rank(String model) {
        ModelConfig m = models.get(model);
        String tier = m == null || m.tier() == null ? "large" : m.tier();
        return switch (tier) {
            case "small" -> 0;
            case "mid" -> 1;
            default -> 2;
        };
    }

    /** The text routers look at: the conversation's user turns, the last one last. */
    static String promptOf(ChatRequest r) {
        StringBuilder sb = new StringBuilder();
        for (Message m : r.messages()) {
            if ("user".equals(m.role())) {
                if (!sb.isEmpty()) sb.append('\n');
                sb.append(m.text());
            }
        }
        return sb.toString();
    }
}
