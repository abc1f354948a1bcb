package dev.tokenwise.cli.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tokenwise bench soak}: a steady rate through the full pipeline for a long time, sampling
 * heap after GC, direct memory, resident memory, live threads and open file descriptors each
 * interval, to show there is no growth trend, no errors and no leaked connections or threads.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Steady load for a long time; reports heap-after-GC, direct-memory and RSS trends, threads, file descriptors and errors.")
final class SoakCommand implements Runnable {
    @Option(names = "--rate", defaultValue = "500", description = "Requests per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--duration", defaultValue = "10m", description = "Total length (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--interval", defaultValue = "30s", description = "Sampling interval (default ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--warmup", defaultValue = "20s",
            description = "Load at the same rate before the first sample, not counted (default ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--connections", defaultValue = "" + OpenLoopLoad.DEFAULT_CONNECTIONS,
            description = "Keep-alive connections of the load generator (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public void run() {
        double total = OverheadCommand.parseDuration(duration);
        double step = OverheadCommand.parseDuration(interval);
        if (step <= 0 || step > total) throw new IllegalArgumentException("--interval must be > 0 and <= --duration");
        OpenLoopLoad load = new OpenLoopLoad(connections);
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ObjectNode out = Json.object();
        out.put("rate", rate);
        out.put("duration_s", total);
        ArrayNode samples = out.putArray("samples");
        long errors = 0;
        long sent = 0;
        try (BenchRig rig = BenchRig.start("tokenwise-soak", true)) {
            BenchRig.Part gw = rig.gateway();
            String url = gw.url() + "/chat/completions";
            IntFunction<String> body = i -> "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"soak " + i + "-"
                    + System.nanoTime() + "\"}]}";
            progress("warm-up " + warmup);
            OpenLoopLoad.Result warm = load.run(url, rate, OverheadCommand.parseDuration(warmup), body, gw.headers());
            out.put("warmup_errors", warm.errors());
            int steps = (int) Math.round(total / step);
            for (int s = 0; s < steps; s++) {
                OpenLoopLoad.Result r = load.run(url, rate, step, body, gw.headers());
                errors += r.errors();
                sent += r.sent();
                System.gc();
                ObjectNode sample = samples.addObject();
                sample.put("t_s", Math.round((s + 1) * step));
                sample.put("heap_after_gc_mb", Math.round(mem.getHeapMemoryUsage().getUsed() / 1e5) / 10.0);
                sample.put("direct_mb", Math.round(directBytes() / 1e5) / 10.0);
                sample.put("rss_mb", Math.round(rssBytes() / 1e5) / 10.0);
                sample.put("threads", threads.getThreadCount());
                sample.put("open_fds", openFds());
                sample.put("errors", r.errors());
                if (!r.errorKinds().isEmpty()) {
                    ObjectNode kinds = sample.putObject("error_kinds");
                    r.errorKinds().forEach(kinds::put);
                    ObjectNode why = sample.putObject("error_samples");
                    r.errorSamples().forEach(why::put);
                }
                sample.put("p99_us", Math.round(r.p99Us()));
                if (System.console() != null) {
                    System.err.printf("\r\033[K%4.0fs heap %.1f MB, %d threads, %d fds, %d errors", (s + 1) * step,
                            sample.get("heap_after_gc_mb").asDouble(), threads.getThreadCount(), openFds(), errors);
                }
            }
        }
        if (System.console() != null) System.err.print("\r\033[K");
        out.put("sent", sent);
        out.put("errors", errors);
        out.put("heap_slope_mb_per_min", slope(samples, "heap_after_gc_mb") * 60);
        out.put("direct_slope_mb_per_min", slope(samples, "direct_mb") * 60);
        out.put("rss_slope_mb_per_min", slope(samples, "rss_mb") * 60);
        out.put("thread_slope_per_min", slope(samples, "threads") * 60);
        out.put("fd_slope_per_min", slope(samples, "open_fds") * 60);
        if (json) {
            System.out.println(Json.write(out));
        } else {
            System.out.println("soak: " + sent + " requests at " + rate + "/s, " + errors + " errors");
            for (var s : samples) System.out.println("  " + s);
            System.out.printf("heap-after-GC trend %.3f MB/min, threads %.2f/min, fds %.2f/min%n",
                    out.get("heap_slope_mb_per_min").asDouble(), out.get("thread_slope_per_min").asDouble(),
                    out.get("fd_slope_per_min").asDouble());
        }
    }

    /** Off-heap memory in direct buffers (the exact cache's segments live there). */
    private static long directBytes() {
        long sum = 0;
        for (var pool : ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) sum += pool.getMemoryUsed();
        }
        return sum;
    }

    /** The process's resident memory (VmRSS), or -1 where /proc is not there. */
    private static long rssBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: no figure
        }
        return -1;
    }

    /** Least-squares slope of a field against t_s, per second; the first sample (warm-up) is skipped. */
    static double slope(ArrayNode samples, String field) {
        int n = 0;
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int i = 1; i < samples.size(); i++) {
            double x = samples.get(i).get("t_s").asDouble();
            double y = samples.get(i).get(field).asDouble();
            n++;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        double d = n * sxx - sx * sx;
        return n < 2 || d == 0 ? 0 : (n * sxy - sx * sy) / d;
    }

    private static void progress(String msg) {
        if (System.console() != null) System.err.print("\r\033[K" + msg);
    }

    private static long openFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }
}
