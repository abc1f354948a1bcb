package dev.tokenwise.cli.bench;

import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.config.ResilienceConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What every benchmark runs against: a mock upstream serving {@code gpt-4o} (20-word answers, no
 * per-request log, no resilience) in its own JVM, and the full-pipeline
 * {@link OverheadCommand.BenchGateway} in front of it — in another JVM, or in this one when the
 * caller samples the gateway's heap and threads itself. Separate processes keep the load
 * generator's, the gateway's and the upstream's garbage collection and JIT apart, and give each
 * its own CPU account ({@link Part#cpuNanos()}).
 */
final class BenchRig implements AutoCloseable {
    private final Path dir;
    private final Part upstream;
    private final Part gateway;
    private final OverheadCommand.BenchGateway inProcess;
    private final Map<FloorProxy, Part> proxies;

    private BenchRig(Path dir, Part upstream, Part gateway, OverheadCommand.BenchGateway inProcess, Map<FloorProxy, Part> proxies) {
        this.dir = dir;
        this.upstream = upstream;
        this.gateway = gateway;
        this.inProcess = inProcess;
        this.proxies = proxies;
    }

    /** @param gatewayInProcess run the gateway in this JVM (the soak samples its heap) instead of its own */
    static BenchRig start(String tempPrefix, boolean gatewayInProcess) {
        return start(tempPrefix, gatewayInProcess, List.of());
    }

    /** @param floors pass-through proxies started next to the gateway, each in its own JVM, in front of the same upstream */
    static BenchRig start(String tempPrefix, boolean gatewayInProcess, List<FloorProxy> floors) {
        Path dir;
        try {
            dir = Files.createTempDirectory(tempPrefix);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Part upstream = Part.spawn(dir, "upstream", List.of());
        try {
            if (gatewayInProcess) {
                OverheadCommand.BenchGateway gw = OverheadCommand.BenchGateway.start(upstream.url(), dir);
                return new BenchRig(dir, upstream, new Part(null, gw.gateway().baseUrl(), gw.stageNames(), gw.headers(), null),
                        gw, Map.of());
            }
            Map<FloorProxy, Part> proxies = new LinkedHashMap<>();
            try {
                for (FloorProxy f : floors) proxies.put(f, Part.spawn(dir, f.role(), List.of("--upstream", upstream.url())));
                return new BenchRig(dir, upstream, Part.spawn(dir, "gateway", List.of("--upstream", upstream.url())), null, proxies);
            } catch (RuntimeException e) {
                proxies.values().forEach(Part::close);
                throw e;
            }
        } catch (RuntimeException e) {
            upstream.close();
            throw e;
        }
    }

    Part upstream() { return upstream; }

    Part gateway() { return gateway; }

    /** The floor proxies, in the order asked for. */
    Map<FloorProxy, Part> proxies() { return proxies; }

    /** The upstream's configuration: {@code gpt-4o} answering 20 words at once, quiet, no resilience. */
    static GatewayConfig upstreamConfig(Path dataDir) {
        Map<String, ModelConfig> models = new LinkedHashMap<>();
        models.put("gpt-4o", ModelConfig.mock("large", new ModelConfig.MockConfig(0, 0, 20)));
        return new GatewayConfig(null, models)
                .withServer(GatewayConfig.embeddedDefault().server().withPort(0).withDataDir(dataDir.toString()))
                .withObservability(OverheadCommand.QUIET).withResilience(ResilienceConfig.off());
    }

    @Override
    public void close() {
        try {
            if (inProcess != null) inProcess.close();
            proxies.values().forEach(Part::close);
            gateway.close();
        } finally {
            upstream.close();
            deleteQuietly(dir);
        }
    }

    /** Removes the rig's data (ledgers, key stores, logs): a benchmark leaves nothing behind. */
    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a leftover temporary directory is harmless
        }
    }

    /**
     * One server of the rig: its base URL, the gateway's stage names and auth headers, and — when
     * it runs in its own process — that process, its CPU time and the errors it logged.
     */
    record Part(Process process, String url, List<String> stages, String[] headers, Path log) implements AutoCloseable {
        static Part spawn(Path dir, String role, List<String> extra) {
            Path log = dir.resolve(role + ".log");
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                // a profiler or debugger attached to the load generator is not meant for the rig's servers
                if (!a.startsWith("-XX:StartFlightRecording") && !a.startsWith("-agentlib") && !a.startsWith("-javaagent")
                        && !a.startsWith("-Xrunjdwp")) {
                    cmd.add(a);
                }
            }
            String opts = System.getenv("TOKENWISE_BENCH_" + role.toUpperCase() + "_OPTS");
            if (opts != null && !opts.isBlank()) cmd.addAll(Arrays.asList(opts.trim().split("\\s+")));
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.tokenwise.cli.Main",
                    "bench", "rig-process", "--role", role, "--dir", dir.resolve(role).toString()));
            cmd.addAll(extra);
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            } catch (IOException e) {
                throw new IllegalStateException("could not start the bench " + role + ": " + e.getMessage(), e);
            }
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String line = out.readLine();
                // a JVM option such as a flight recording may print its own lines first
                while (line != null && !line.startsWith(RigProcessCommand.READY)) line = out.readLine();
                if (line == null) {
                    throw new IllegalStateException("the bench " + role + " did not start; its log " + log + " ends with:\n"
                            + String.join("\n", tail(log, 20)));
                }
                String[] f = line.substring(RigProcessCommand.READY.length()).trim().split(" ");
                List<String> stages = f.length > 1 ? List.of(f[1].split(",")) : List.of();
                String[] headers = f.length > 2 ? new String[] {"authorization", "Bearer " + f[2]} : new String[0];
                return new Part(p, f[0], stages, headers, log);
            } catch (IOException | RuntimeException e) {
                p.destroyForcibly();
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
        }

        /** CPU time (user + system) the process has used so far, or -1 when it is not a separate process. */
        long cpuNanos() {
            if (process == null) return -1;
            try {
                String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // utime and stime, fields 14 and 15, in clock ticks of 10 ms
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        /**
         * Context switches (voluntary and involuntary) of the process's live threads so far, or -1
         * when it is not a separate process: each is a thread going to sleep or being preempted, so
         * per request they count the hand-offs between threads, which machine load hardly moves.
         */
        long contextSwitches() {
            if (process == null) return -1;
            long sum = 0;
            try (var tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
                for (Path t : (Iterable<Path>) tasks::iterator) {
                    try {
                        for (String line : Files.readAllLines(t.resolve("status"))) {
                            if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                                sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                            }
                        }
                    } catch (IOException | RuntimeException threadEnded) {
                        // a thread that ended between listing and reading takes its count with it
                    }
                }
                return sum;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        /** Lines of the process's log that report an error (with the stack lines that follow), at most {@code max}. */
        List<String> loggedErrors(int max) {
            List<String> out = new ArrayList<>();
            if (log == null) return out;
            List<String> lines = tail(log, Integer.MAX_VALUE);
            for (int i = 0; i < lines.size() && out.size() < max; i++) {
                if (lines.get(i).contains("ERROR") || lines.get(i).contains("WARN")) {
                    for (int j = i; j < Math.min(lines.size(), i + 6) && out.size() < max; j++) out.add(lines.get(j));
                }
            }
            return out;
        }

        @Override
        public void close() {
            if (process == null) return;
            try {
                process.getOutputStream().close(); // end of input: the process closes its server and exits
                if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        private static List<String> tail(Path log, int n) {
            try {
                List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
                return all.subList(Math.max(0, all.size() - n), all.size());
            } catch (IOException e) {
                return List.of();
            }
        }
    }
}
