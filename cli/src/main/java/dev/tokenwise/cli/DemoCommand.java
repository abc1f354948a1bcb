package dev.tokenwise.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.scenario.SeedScenario;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.ConfigLoader;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.ledger.LedgerQuery;
import dev.tokenwise.gateway.ledger.LedgerQuery.Filter;
import dev.tokenwise.gateway.ledger.LedgerQuery.Totals;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tokenwise demo}: the seed's production scenario replayed through an embedded gateway with
 * a real HTTP client, then the bill at the seed's 50,000-user scale, read from the ledger's
 * baseline and actual cost (the demo computes no saving of its own).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Replay the seed playbook's workload (FAQ, product summaries, long chats, hard tasks) through an embedded "
                + "gateway and print the monthly bill at 50,000 users, from the ledger's baseline vs actual cost."})
final class DemoCommand implements Runnable {
    static final String CONFIG_RESOURCE = "demo.yaml";

    @Option(names = "--requests", defaultValue = "2000", description = "Requests to replay (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--seed", defaultValue = "42", description = "Workload seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--concurrency", defaultValue = "16", description = "Requests in flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--requests-per-user", description = "Requests per user per month used to scale to 50,000 users "
            + "(default ${DEFAULT-VALUE}, an assumption: the seed does not state it).", defaultValue = "" + SeedScenario.REQUESTS_PER_USER_PER_MONTH)
    int requestsPerUser;

    @Option(names = "--config", description = "Run with this tokenwise.yaml instead of the bundled demo config.")
    Path config;

    @Option(names = "--json", description = "Print one JSON object (shape in docs/accounting.md).")
    boolean json;

    @Option(names = "--serve", description = "After the replay, keep the gateway running so its dashboard (/ui) shows the demo's data; Ctrl-C stops it.")
    boolean serve;

    @Option(names = "--routing-data", paramLabel = "DIR", description = "Rated MMLU recording (RouteLLM CSVs) for the measured "
            + "routing quality (default: ${DEFAULT-VALUE}, relative to the working directory).")
    Path routingData = RoutingQualityDemo.DEFAULT_DATA;

    @Option(names = "--routing-prompts", defaultValue = "0", paramLabel = "N",
            description = "At most N of its prompts, a random sample by --seed (0: all the held-out ones; default ${DEFAULT-VALUE}).")
    int routingPrompts;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Option(names = "--generate-log", paramLabel = "N",
            description = "Instead of the demo, write a synthetic OpenAI-JSONL log of N requests shaped like the seed scenario "
                    + "(to --out, seeded by --seed), for tokenwise audit.")
    Long generateLog;

    @Option(names = "--out", paramLabel = "FILE", description = "Where --generate-log writes the log.")
    Path logOut;

    @Override
    public void run() {
        if (generateLog != null) {
            if (logOut == null) throw new UserException("--generate-log needs --out FILE");
            if (generateLog < 1) throw new UserException("--generate-log must be at least 1, was " + generateLog);
            long n = dev.tokenwise.audit.generate.SeedLog.write(generateLog, logOut, seed);
            out.println("wrote " + n + " requests to " + logOut);
            return;
        }
        if (requests < 1) throw new UserException("--requests must be at least 1, was " + requests);
        if (requestsPerUser < 1) throw new UserException("--requests-per-user must be at least 1, was " + requestsPerUser);
        if (concurrency < 1) throw new UserException("--concurrency must be at least 1, was " + concurrency);
        if (routingPrompts < 0) throw new UserException("--routing-prompts must be >= 0, was " + routingPrompts);
        GatewayConfig cfg = loadConfig(config);
        Path data;
        try {
            data = Files.createTempDirectory("tokenwise-demo");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cfg = cfg.withServer(cfg.server().withPort(0).withDataDir(data.toString()));
        List<SeedScenario.Item> items = SeedScenario.withSeed(seed).generate(requests);
        boolean progress = System.console() != null && !json;
        try (Gateway gw = Gateway.builder(cfg).start()) {
            if (!json) out.println("tokenwise demo: replaying " + requests + " requests of the seed scenario through " + gw.baseUrl());
            int failed = replay(gw.baseUrl(), items, progress);
            gw.ledger().flush();
            if (!json) out.println("measuring routing quality on recorded MMLU answers from " + routingData);
            ObjectNode quality = RoutingQualityDemo.measure(routingData, routingPrompts, seed, concurrency, data.resolve("routing"));
            Result r = Result.from(gw.ledgerQuery(), gw.prices().sheet(), seed, failed, requestsPerUser, quality);
            if (json) out.println(Json.write(r.toJson()));
            else r.print(out);
            if (serve) serveUntilStopped(gw);
        } finally {
            deleteQuietly(data);
        }
    }

    /** Keeps the demo gateway up for its dashboard until the process is interrupted. */
    private void serveUntilStopped(Gateway gw) {
        String root = gw.baseUrl().substring(0, gw.baseUrl().length() - "/v1".length());
        err.println("dashboard: " + root + "/ui   (the gateway keeps running; Ctrl-C stops it)");
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "tokenwise-demo-stop"));
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static GatewayConfig loadConfig(Path file) {
        ConfigLoader loader = new ConfigLoader(System::getenv);
        if (file != null) return loader.load(file);
        try (InputStream in = DemoCommand.class.getResourceAsStream(CONFIG_RESOURCE)) {
            if (in == null) throw new IllegalStateException("the bundled demo config is missing from the jar");
            return loader.validate(loader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends every item with a real HTTP client, {@code concurrency} at a time; returns the number not answered 200. */
    private int replay(String baseUrl, List<SeedScenario.Item> items, boolean progress) {
        List<Post> posts = items.stream().map(it -> new Post(Json.write(it.request().body()), it.headers())).toList();
        return send(baseUrl, posts, concurrency, progress ? err : null, (i, res) -> { });
    }

    /** One chat completion request: its JSON body and headers. */
    record Post(String body, java.util.Map<String, String> headers) {}

    /**
     * Posts every request to {@code baseUrl/chat/completions} with a real HTTP client,
     * {@code concurrency} at a time, handing each 200 response to {@code onOk} with its index;
     * returns the number not answered 200. Progress goes to {@code progress} when not null.
     */
    static int send(String baseUrl, List<Post> posts, int concurrency, PrintStream progress,
                    java.util.function.BiConsumer<Integer, HttpResponse<String>> onOk) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Semaphore slots = new Semaphore(concurrency);
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        URI uri = URI.create(baseUrl + "/chat/completions");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>(posts.size());
            for (int k = 0; k < posts.size(); k++) {
                Post post = posts.get(k);
                int index = k;
                slots.acquireUninterruptibly();
                futures.add(pool.submit(() -> {
                    try {
                        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(post.body()));
                        post.headers().forEach(b::header);
                        HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                        if (res.statusCode() != 200) failed.incrementAndGet();
                        else onOk.accept(index, res);
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        slots.release();
                        int n = done.incrementAndGet();
                        if (progress != null && (n % 50 == 0 || n == posts.size())) {
                            progress.printf("\r  %,d / %,d requests", n, posts.size());
                            if (n == posts.size()) progress.println();
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            }
        }
        return failed.get();
    }

    /**
     * The demo's figures. The sample's ledger totals are scaled to the seed's traffic: per-request
     * averages × {@link SeedScenario#SEED_USERS} × requests per user per month.
     */
    record Result(Totals sample, List<LedgerQuery.Group> byStrategy, List<LedgerQuery.Group> byFeature,
                  String sheet, long seed, int failed, int requestsPerUser, ObjectNode quality) {

        static Result from(LedgerQuery q, String sheet, long seed, int failed, int requestsPerUser, ObjectNode quality) {
            return new Result(q.totals(Filter.ALL), q.groupBy(LedgerQuery.Dimension.STRATEGY, Filter.ALL),
                    q.groupBy(LedgerQuery.Dimension.FEATURE, Filter.ALL), sheet, seed, failed, requestsPerUser, quality);
        }

        long monthlyRequests() { return (long) SeedScenario.SEED_USERS * requestsPerUser; }

        /** A sample amount scaled to a month of the seed's traffic. */
        BigDecimal atScale(BigDecimal sampleUsd) {
            if (sample.requests() == 0) return BigDecimal.ZERO;
            return sampleUsd.multiply(BigDecimal.valueOf(monthlyRequests()))
                    .divide(BigDecimal.valueOf(sample.requests()), MathContext.DECIMAL64);
        }

        ObjectNode toJson() {
            ObjectNode o = Json.object();
            o.put("baseline_usd", ReportCommand.round(atScale(sample.baselineUsd()), 2));
            o.put("actual_usd", ReportCommand.round(atScale(sample.spendUsd()), 2));
            o.put("saved_usd", ReportCommand.round(atScale(sample.savedUsd()), 2));
            o.put("saved_pct", ReportCommand.round(BigDecimal.valueOf(sample.savedPct()), 2));
            ObjectNode strategies = o.putObject("by_strategy");
            for (LedgerQuery.Group g : byStrategy) {
                if (!g.key().equals("none")) strategies.put(g.key(), ReportCommand.round(atScale(g.totals().savedUsd()), 2));
            }
            o.put("requests", sample.requests());
            o.set("quality", quality);
            o.put("failed", failed);
            ObjectNode scale = o.putObject("scale");
            scale.put("users", SeedScenario.SEED_USERS);
            scale.put("requests_per_user_per_month", requestsPerUser);
            scale.put("monthly_requests", monthlyRequests());
            scale.put("seed_reported_monthly_bill_usd", SeedScenario.SEED_MONTHLY_BILL_USD);
            ObjectNode s = o.putObject("sample");
            s.put("requests", sample.requests());
            s.put("errors", sample.errors());
            s.put("spend_usd", ReportCommand.money(sample.spendUsd()));
            s.put("baseline_usd", ReportCommand.money(sample.baselineUsd()));
            s.put("saved_usd", ReportCommand.money(sample.savedUsd()));
            ObjectNode features = o.putObject("by_feature");
            for (LedgerQuery.Group g : byFeature) {
                ObjectNode f = features.putObject(g.key());
                f.put("requests", g.totals().requests());
                f.put("baseline_usd", ReportCommand.round(atScale(g.totals().baselineUsd()), 2));
                f.put("actual_usd", ReportCommand.round(atScale(g.totals().spendUsd()), 2));
                f.put("saved_pct", ReportCommand.round(BigDecimal.valueOf(g.totals().savedPct()), 2));
            }
            o.put("price_sheet", sheet);
            o.put("seed", seed);
            return o;
        }

        void print(PrintStream out) {
            out.printf("%n%,d requests replayed (%d failed); prices: %s sheet%n", sample.requests(), failed, sheet);
            out.printf("%nThe bill at the seed's scale: %,d users x %d requests/month = %,d requests/month%n",
                    SeedScenario.SEED_USERS, requestsPerUser, monthlyRequests());
            out.printf("  without tokenwise (baseline)  %16s / month%n", ReportCommand.dollars(atScale(sample.baselineUsd())));
            out.printf("  with tokenwise (actual)       %16s / month%n", ReportCommand.dollars(atScale(sample.spendUsd())));
            out.printf("  saved                         %16s / month  (%.1f%%)%n",
                    ReportCommand.dollars(atScale(sample.savedUsd())), sample.savedPct());
            out.printf("  (the seed's own invoice: $%,d / month)%n", SeedScenario.SEED_MONTHLY_BILL_USD);
            out.printf("%n  %-28s %9s %16s%n", "saved by strategy", "requests", "$ / month");
            List<LedgerQuery.Group> strategies = byStrategy.stream()
                    .sorted(Comparator.comparing((LedgerQuery.Group g) -> g.totals().savedUsd()).reversed()).toList();
            for (LedgerQuery.Group g : strategies) {
                out.printf("  %-28s %,9d %16s%n", g.key(), g.totals().requests(), ReportCommand.dollars(atScale(g.totals().savedUsd())));
            }
            out.printf("%n  %-28s %9s %16s %16s %8s%n", "by feature", "requests", "baseline/month", "actual/month", "saved");
            for (LedgerQuery.Group g : byFeature) {
                Totals t = g.totals();
                out.printf("  %-28s %,9d %16s %16s %7.1f%%%n", g.key(), t.requests(), ReportCommand.dollars(atScale(t.baselineUsd())),
                        ReportCommand.dollars(atScale(t.spendUsd())), t.savedPct());
            }
            out.println();
            out.println("Figures come from the gateway's ledger: each request's actual cost and its baseline (the requested");
            out.println("model, the full original prompt, no cache), scaled by the volume above. The seed workload's answers");
            out.println("are mock text, so its quality is not measured; routing's is, on recorded answers:");
            RoutingQualityDemo.print(quality, out);
        }
    }

    static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            });
        } catch (IOException ignored) {
            // same
        }
    }
}
