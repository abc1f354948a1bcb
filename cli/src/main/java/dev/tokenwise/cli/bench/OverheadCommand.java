package dev.tokenwise.cli.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.ConfigLoader;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ModelConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tokenwise bench overhead}: the latency tokenwise adds. One mock upstream; the same
 * open-loop load sent directly to it and through a gateway with the full pipeline (auth, budget,
 * exact-cache miss, accounting), in the same run, at each rate; with {@code --floor}, also through
 * {@link FloorProxy forward-only proxies}, which show the least this rig lets any hop add.
 */
@Command(name = "overhead", mixinStandardHelpOptions = true,
        description = "Added latency of the gateway vs calling the upstream directly, at fixed request rates (open loop).")
final class OverheadCommand implements Runnable {
    /**
     * Metrics on, but no per-request log line: a synchronous log line per request would measure the
     * terminal, not the gateway (the request log is one switch away in production).
     */
    static final dev.tokenwise.gateway.config.ObservabilityConfig QUIET =
            new dev.tokenwise.gateway.config.ObservabilityConfig(true, false, false, false);

    @Option(names = "--rates", split = ",", defaultValue = "500,1000,2000,5000",
            description = "Request rates per second (default ${DEFAULT-VALUE}).")
    List<Integer> rates;

    @Option(names = "--duration", defaultValue = "20s", description = "Length of each measured phase, e.g. 20s or 1m (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--warmup", defaultValue = "30s",
            description = "Warm-up through the gateway before the first rate, so the JIT has compiled the request path "
                    + "(default ${DEFAULT-VALUE}); each rate then gets a short settling run on both paths.")
    String warmup;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--floor", split = ",", defaultValue = "",
            description = "Also measure these forward-only proxies in the same run, each in its own JVM in front of the same "
                    + "upstream: passthrough (the gateway's own HTTP server and OkHttp client, no pipeline), jetty (the same client behind Javalin on Jetty with virtual threads, the gateway's server before), blocking (platform "
                    + "threads and blocking sockets, no hand-offs). Default: none.")
    List<String> floor;

    @Option(names = "--connections", defaultValue = "" + OpenLoopLoad.DEFAULT_CONNECTIONS,
            description = "Keep-alive connections of the load generator (default ${DEFAULT-VALUE}).")
    int connections;

    @Override
    public void run() {
        double seconds = parseDuration(duration);
        double warm = parseDuration(warmup);
        for (int r : rates) if (r < 1 || r > 100_000) throw new IllegalArgumentException("--rates: each rate must be 1..100000, was " + r);
        List<FloorProxy> floors = floor.stream().filter(f -> !f.isBlank()).map(f -> {
            try {
                return FloorProxy.of(f.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--floor: each proxy must be passthrough, jetty or blocking, was " + f);
            }
        }).toList();
        OpenLoopLoad load = new OpenLoopLoad(connections);
        try (BenchRig rig = BenchRig.start("tokenwise-bench", false, floors)) {
            BenchRig.Part upstream = rig.upstream();
            BenchRig.Part gw = rig.gateway();
            String direct = upstream.url() + "/chat/completions";
            String through = gw.url() + "/chat/completions";
            IntFunction<String> body = i -> "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"benchmark request "
                    + i + "-" + System.nanoTime() + ": what are your business hours?\"}]}";
            String[] authHeaders = gw.headers();
            ObjectNode out = Json.object();
            out.put("duration_s", seconds);
            out.put("connections", connections);
            out.put("processes", "load generator, gateway and mock upstream in three JVMs");
            out.put("pipeline", String.join(" -> ", gw.stages()));
            out.put("load_average_before", loadAverage());
            ArrayNode arr = out.putArray("rates");
            int best = 0;
            // the JIT compiles the request path for tens of seconds on two busy cores: that CPU is
            // not the steady-state cost of a request, so it is spent before measuring
            progress("warm-up " + warmup);
            load.run(direct, rates.getFirst(), warm / 4, body, new String[0]);
            load.run(through, rates.getFirst(), warm, body, authHeaders);
            for (var p : rig.proxies().entrySet()) {
                progress("warm-up " + warmup + " " + p.getKey().role());
                load.run(p.getValue().url() + "/chat/completions", rates.getFirst(), warm, body, new String[0]);
            }
            double settle = Math.min(warm, 2);
            for (int rate : rates) {
                progress("rate " + rate + "/s: settling");
                load.run(direct, rate, settle, body, new String[0]);
                load.run(through, rate, settle, body, authHeaders);
                for (BenchRig.Part p : rig.proxies().values()) load.run(p.url() + "/chat/completions", rate, settle, body, new String[0]);
                progress("rate " + rate + "/s: direct");
                Cpu before = Cpu.of(rig, null);
                OpenLoopLoad.Result d = load.run(direct, rate, seconds, body, new String[0]);
                Cpu between = Cpu.of(rig, null);
                progress("rate " + rate + "/s: through tokenwise");
                OpenLoopLoad.Result g = load.run(through, rate, seconds, body, authHeaders);
                Cpu after = Cpu.of(rig, null);
                ObjectNode row = arr.addObject();
                row.put("rate", rate);
                row.set("direct", phase(d, between.minus(before)));
                row.set("gateway", phase(g, after.minus(between)));
                row.put("added_p50_us", round(g.p50Us() - d.p50Us()));
                row.put("added_p99_us", round(g.p99Us() - d.p99Us()));
                row.put("added_mean_us", round(g.meanUs() - d.meanUs()));
                for (var p : rig.proxies().entrySet()) {
                    progress("rate " + rate + "/s: through " + p.getKey().role());
                    Cpu from = Cpu.of(rig, p.getValue());
                    OpenLoopLoad.Result f = load.run(p.getValue().url() + "/chat/completions", rate, seconds, body, new String[0]);
                    Cpu used = Cpu.of(rig, p.getValue()).minus(from);
                    ObjectNode n = phase(f, used);
                    ((ObjectNode) n.get("cpu_us_per_request")).put("proxy", round(used.proxy() / 1000.0 / f.sent()));
                    putSwitches((ObjectNode) n.get("context_switches_per_request"), "proxy", used.proxySwitches(), f.sent());
                    n.put("added_p50_us", round(f.p50Us() - d.p50Us()));
                    n.put("added_p99_us", round(f.p99Us() - d.p99Us()));
                    n.put("added_mean_us", round(f.meanUs() - d.meanUs()));
                    row.set(p.getKey().role(), n);
                }
                boolean sustained = g.errors() == 0 && g.achievedRps() >= 0.95 * rate;
                row.put("sustained", sustained);
                if (sustained) best = Math.max(best, rate);
            }
            out.put("highest_sustained_rps", best);
            out.put("load_average_after", loadAverage());
            ArrayNode logged = out.putArray("gateway_logged_errors");
            gw.loggedErrors(40).forEach(logged::add);
            clearProgress();
            if (json) {
                System.out.println(Json.write(out));
            } else {
                printTable(out);
            }
        }
    }

    /**
     * CPU time used so far by the load generator (this JVM), the gateway, the upstream and the floor
     * proxy being measured (0 when none), in ns.
     */
    record Cpu(long load, long gateway, long upstream, long proxy, long gatewaySwitches, long proxySwitches) {
        static Cpu of(BenchRig rig, BenchRig.Part proxy) {
            long self = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime();
            return new Cpu(self, rig.gateway().cpuNanos(), rig.upstream().cpuNanos(), proxy == null ? 0 : proxy.cpuNanos(),
                    rig.gateway().contextSwitches(), proxy == null ? 0 : proxy.contextSwitches());
        }

        Cpu minus(Cpu o) {
            return new Cpu(load - o.load, gateway - o.gateway, upstream - o.upstream, proxy - o.proxy,
                    gatewaySwitches - o.gatewaySwitches, proxySwitches - o.proxySwitches);
        }
    }

    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * Context switches per request, or null when they cannot be counted: Linux keeps the counts per
     * thread, so threads that ended during the phase take theirs with them (a thread-per-connection
     * proxy, or idle pool threads retiring), which shows as a count of 0 or below.
     */
    private static void putSwitches(ObjectNode into, String field, long switches, long sent) {
        if (switches <= 0 || sent == 0) into.putNull(field);
        else into.put(field, round((double) switches / sent));
    }

    private static ObjectNode phase(OpenLoopLoad.Result r, Cpu cpu) {
        ObjectNode n = Json.object();
        n.put("sent", r.sent());
        n.put("errors", r.errors());
        n.put("achieved_rps", round(r.achievedRps()));
        n.put("p50_us", round(r.p50Us()));
        n.put("p99_us", round(r.p99Us()));
        n.put("max_us", round(r.maxUs()));
        n.put("mean_us", round(r.meanUs()));
        ObjectNode perRequest = n.putObject("cpu_us_per_request");
        perRequest.put("load_generator", round(cpu.load() / 1000.0 / r.sent()));
        perRequest.put("gateway", round(cpu.gateway() / 1000.0 / r.sent()));
        perRequest.put("upstream", round(cpu.upstream() / 1000.0 / r.sent()));
        ObjectNode switches = n.putObject("context_switches_per_request");
        putSwitches(switches, "gateway", cpu.gatewaySwitches(), r.sent());
        ObjectNode kinds = n.putObject("error_kinds");
        r.errorKinds().forEach(kinds::put);
        ObjectNode samples = n.putObject("error_samples");
        r.errorSamples().forEach(samples::put);
        return n;
    }

    private static double round(double v) {
        return Double.isNaN(v) ? -1 : Math.round(v * 10) / 10.0;
    }

    private static void printTable(ObjectNode out) {
        System.out.println("Gateway overhead (open loop, same mock upstream, same run; pipeline: " + out.get("pipeline").asText() + ")");
        System.out.printf("%7s | %10s %10s %10s | %10s %10s %10s | %10s %10s | %6s %9s | %s%n", "rate", "direct p50", "p99", "max",
                "tw p50", "p99", "max", "added p50", "added p99", "errors", "achieved", "gateway CPU/req");
        for (var row : out.get("rates")) {
            var d = row.get("direct");
            var g = row.get("gateway");
            System.out.printf("%7d | %8.0fus %8.0fus %8.0fus | %8.0fus %8.0fus %8.0fus | %8.0fus %8.0fus | %6d %9.0f | %.0fus%n",
                    row.get("rate").asInt(), d.get("p50_us").asDouble(), d.get("p99_us").asDouble(), d.get("max_us").asDouble(),
                    g.get("p50_us").asDouble(), g.get("p99_us").asDouble(), g.get("max_us").asDouble(),
                    row.get("added_p50_us").asDouble(), row.get("added_p99_us").asDouble(),
                    g.get("errors").asInt(), g.get("achieved_rps").asDouble(),
                    g.path("cpu_us_per_request").path("gateway").asDouble());
            for (String f : List.of("passthrough", "jetty", "blocking")) {
                if (!row.has(f)) continue;
                var p = row.get(f);
                System.out.printf("%7s   %-32s | %8.0fus %8.0fus %8.0fus | %8.0fus %8.0fus | %6d %9.0f | %.0fus (%s)%n", "", "",
                        p.get("p50_us").asDouble(), p.get("p99_us").asDouble(), p.get("max_us").asDouble(),
                        p.get("added_p50_us").asDouble(), p.get("added_p99_us").asDouble(), p.get("errors").asInt(),
                        p.get("achieved_rps").asDouble(), p.path("cpu_us_per_request").path("proxy").asDouble(), f);
            }
        }
        System.out.println("highest rate sustained without errors: " + out.get("highest_sustained_rps").asInt() + "/s"
                + " (load average before " + out.get("load_average_before").asText() + ", after " + out.get("load_average_after").asText() + ")");
        for (var line : out.get("gateway_logged_errors")) System.out.println("gateway log: " + line.asText());
    }

    static double parseDuration(String s) {
        String t = s.trim().toLowerCase();
        try {
            if (t.endsWith("ms")) return Double.parseDouble(t.substring(0, t.length() - 2)) / 1000.0;
            if (t.endsWith("s")) return Double.parseDouble(t.substring(0, t.length() - 1));
            if (t.endsWith("m")) return Double.parseDouble(t.substring(0, t.length() - 1)) * 60;
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--duration: '" + s + "' is not a duration like 20s, 500ms or 1m");
        }
    }

    private static void progress(String msg) {
        if (System.console() != null) System.err.print("\r\033[K" + msg);
    }

    private static void clearProgress() {
        if (System.console() != null) System.err.print("\r\033[K");
    }

    /**
     * The gateway under test with every stage of the request path doing real work: a virtual key
     * (auth), a budget (reserve and settle per request), the exact cache (every request misses:
     * each body is unique), accounting into the SQLite ledger, metrics and the resilience stage.
     */
    record BenchGateway(Gateway gateway, String[] headers) implements AutoCloseable {
        static BenchGateway start(String upstreamBaseUrl, Path dir) {
            Map<String, ModelConfig> models = new LinkedHashMap<>();
            models.put("gpt-4o", new ModelConfig("openai", "gpt-4o", upstreamBaseUrl, null, "large", null));
            GatewayConfig cfg = new GatewayConfig(null, models)
                    .withServer(GatewayConfig.embeddedDefault().server().withPort(0).withDataDir(dir.resolve("gateway").toString()))
                    .withCache(dev.tokenwise.gateway.cache.CacheConfig.exactOnly())
                    .withObservability(QUIET);
            cfg = new ConfigLoader(System::getenv).validate(cfg);
            // the key must exist before the gateway opens its key store
            String secret;
            try (dev.tokenwise.gateway.keys.Keys keys = dev.tokenwise.gateway.keys.Keys.open(cfg, java.time.InstantSource.system())) {
                secret = keys.store().create("bench", "bench", new java.math.BigDecimal("1000000"),
                        dev.tokenwise.gateway.keys.BudgetPeriod.MONTH).secret();
            }
            return new BenchGateway(Gateway.builder(cfg).start(), new String[] {"authorization", "Bearer " + secret});
        }

        List<String> stageNames() {
            return gateway.pipeline().stages().stream().map(s -> s.name()).toList();
        }

        @Override
        public void close() {
            gateway.close();
        }
    }
}
