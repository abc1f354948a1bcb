package dev.tokenwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.routing.Calibrator;
import dev.tokenwise.core.routing.LabelledPrompt;
import dev.tokenwise.core.routing.LearnedRouter;
import dev.tokenwise.core.routing.RoutingData;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.ConfigLoader;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.ledger.LedgerQuery.Filter;
import dev.tokenwise.gateway.ledger.LedgerQuery.Totals;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The demo's routing quality, measured: rated MMLU prompts are sent through a second embedded
 * gateway, requested on the strong model, with the bundled learned router at the 0.95 quality
 * target. Both models are {@code replay} models over the RouteLLM recording, which stores for every
 * prompt whether each real model answered it right; the replayed answer is that recorded verdict,
 * so the accuracy is read from what came back through the gateway, and the saving from its ledger.
 * Prompts come from the subjects the bundled router left out of training and calibration.
 */
final class RoutingQualityDemo {
    static final Path DEFAULT_DATA = Path.of("../shared/data/routing/mmlu");
    static final double QUALITY_TARGET = 0.95;

    private RoutingQualityDemo() {}

    /** Why quality cannot be measured from {@code data}, as the JSON the demo prints. */
    static ObjectNode notMeasured(Path data, String why) {
        ObjectNode o = Json.object();
        o.put("measured", false);
        o.put("data", data.toString());
        o.put("reason", why);
        return o;
    }

    /**
     * Routes up to {@code maxPrompts} rated prompts (0: all) and returns the {@code quality} object;
     * when the data is missing, says so instead.
     */
    static ObjectNode measure(Path data, int maxPrompts, long seed, int concurrency, Path workDir) {
        if (!Files.isDirectory(data)) {
            return notMeasured(data, "the rated MMLU recording " + data.toAbsolutePath().normalize()
                    + " is not there (run the demo from the repository root with ../shared beside it, or pass --routing-data DIR)");
        }
        String weak = RoutingData.DEFAULT_WEAK;
        String strong = RoutingData.DEFAULT_STRONG;
        List<LabelledPrompt> rows = RoutingData.load(data, weak, strong);
        if (rows.isEmpty()) return notMeasured(data, "no rated prompts in " + data);
        LearnedRouter router = LearnedRouter.bundled();
        Set<String> held = Set.copyOf(router.heldOut());
        List<LabelledPrompt> unseen = rows.stream().filter(p -> held.contains(p.group())).toList();
        boolean heldOut = !unseen.isEmpty();
        List<LabelledPrompt> pool = new ArrayList<>(heldOut ? unseen : rows);
        Collections.shuffle(pool, new Random(seed));
        List<LabelledPrompt> sample = maxPrompts > 0 && pool.size() > maxPrompts ? pool.subList(0, maxPrompts) : pool;

        GatewayConfig cfg = config(data, weak, strong);
        cfg = cfg.withServer(cfg.server().withPort(0).withDataDir(workDir.toString()));
        List<DemoCommand.Post> posts = new ArrayList<>(sample.size());
        for (LabelledPrompt p : sample) {
            ObjectNode body = Json.object();
            body.put("model", strong);
            body.putArray("messages").addObject().put("role", "user").put("content", p.prompt());
            posts.add(new DemoCommand.Post(Json.write(body), Map.of("x-tokenwise-feature", "mmlu")));
        }
        String[] served = new String[sample.size()];
        String[] answer = new String[sample.size()];
        int failed;
        Totals t;
        try (Gateway gw = Gateway.builder(cfg).start()) {
            failed = DemoCommand.send(gw.baseUrl(), posts, concurrency, null, (i, res) -> {
                served[i] = res.headers().firstValue("x-tokenwise-served-model").orElse(null);
                answer[i] = Json.parse(res.body()).path("choices").path(0).path("message").path("content").asText();
            });
            gw.ledger().flush();
            t = gw.ledgerQuery().totals(Filter.ALL);
        }
        int answered = 0;
        int correct = 0;
        int toStrong = 0;
        int strongRight = 0;
        int weakRight = 0;
        for (int i = 0; i < sample.size(); i++) {
            if (served[i] == null) continue;
            answered++;
            if ("true".equalsIgnoreCase(answer[i].strip())) correct++;
            if (served[i].equals(strong)) toStrong++;
            if (sample.get(i).strongOk()) strongRight++;
            if (sample.get(i).weakOk()) weakRight++;
        }
        Calibrator.Choice choice = router.thresholdFor(QUALITY_TARGET).orElseThrow();
        ObjectNode o = Json.object();
        o.put("measured", true);
        o.put("what", "MMLU prompts requested on " + strong + ", routed by the bundled learned router; answers replayed from "
                + "the recorded right/wrong verdicts of both real models");
        o.put("data", data.toString());
        o.put("held_out", heldOut);
        ArrayNode subjects = o.putArray("subjects");
        new TreeSet<>(sample.stream().map(LabelledPrompt::group).toList()).forEach(subjects::add);
        o.put("requests", sample.size());
        o.put("failed", failed);
        o.put("quality_target", QUALITY_TARGET);
        o.put("threshold", choice.threshold());
        o.put("expected_quality", choice.expectedQuality());
        o.put("strong_share", answered == 0 ? 0 : (double) toStrong / answered);
        o.put("accuracy", answered == 0 ? 0 : (double) correct / answered);
        o.put("always_strong_accuracy", answered == 0 ? 0 : (double) strongRight / answered);
        o.put("always_weak_accuracy", answered == 0 ? 0 : (double) weakRight / answered);
        o.put("quality_ratio", strongRight == 0 ? 1 : (double) correct / strongRight);
        o.put("baseline_usd", ReportCommand.money(t.baselineUsd()));
        o.put("actual_usd", ReportCommand.money(t.spendUsd()));
        o.put("saved_pct", ReportCommand.round(java.math.BigDecimal.valueOf(t.savedPct()), 2));
        return o;
    }

    private static GatewayConfig config(Path data, String weak, String strong) {
        String dir = Json.write(Json.MAPPER.getNodeFactory().textNode(data.toAbsolutePath().normalize().toString()));
        String yaml = """
                server: {host: 127.0.0.1, port: 0}
                models:
                  %1$s: {provider: replay, tier: large, replay: {file: %3$s, column: %1$s}}
                  %2$s: {provider: replay, tier: small, replay: {file: %3$s, column: %2$s}}
                pricing: {sheet: current}
                ledger: {flush_interval_ms: 100}
                observability: {request_log: false}
                routing: {enabled: true, router: learned, quality_target: %4$s}
                """.formatted(Json.write(Json.MAPPER.getNodeFactory().textNode(strong)),
                Json.write(Json.MAPPER.getNodeFactory().textNode(weak)), dir, QUALITY_TARGET);
        ConfigLoader loader = new ConfigLoader(System::getenv);
        return loader.validate(loader.parse(yaml));
    }

    static void print(JsonNode q, PrintStream out) {
        out.println();
        if (!q.path("measured").asBoolean()) {
            out.println("Routing quality is not measured: " + q.path("reason").asText());
            return;
        }
        out.printf("Routing quality, measured: %,d MMLU prompts requested on %s, %s:%n    %s%n", q.path("requests").asInt(),
                RoutingData.DEFAULT_STRONG, q.path("held_out").asBoolean() ? "from subjects the bundled router never saw"
                        : "NOT held out (the bundled router was trained on these subjects)", String.join(", ", texts(q.path("subjects"))));
        out.printf("  learned router, quality target %.2f (threshold %.4f): %.1f%% sent to the strong model, %d failed%n",
                q.path("quality_target").asDouble(), q.path("threshold").asDouble(), 100 * q.path("strong_share").asDouble(),
                q.path("failed").asInt());
        out.printf("  accuracy %.3f vs always-strong %.3f (always-weak %.3f): quality ratio %.3f%n", q.path("accuracy").asDouble(),
                q.path("always_strong_accuracy").asDouble(), q.path("always_weak_accuracy").asDouble(), q.path("quality_ratio").asDouble());
        out.printf("  ledger: $%s baseline, $%s actual: %.1f%% saved%n", q.path("baseline_usd").asText(), q.path("actual_usd").asText(),
                q.path("saved_pct").asDouble());
        out.println("  (answers are replayed from the recording, which holds each real model's right/wrong verdict per prompt)");
    }

    private static List<String> texts(JsonNode array) {
        List<String> s = new ArrayList<>();
        array.forEach(n -> s.add(n.asText()));
        return s;
    }
}
