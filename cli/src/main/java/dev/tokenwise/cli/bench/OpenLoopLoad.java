package dev.tokenwise.cli.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * An open-loop load generator: request {@code i} is due at {@code start + i/rate}, whether or not
 * earlier ones have finished, and its latency is measured from that intended time — so a stall in
 * the system under test shows up as latency instead of silently lowering the offered rate
 * (no coordinated omission).
 */
final class OpenLoopLoad {
    /** Latency figures of one phase, in microseconds. */
    record Result(int sent, int ok, int errors, double achievedRps, double p50Us, double p99Us, double maxUs,
                  double meanUs, Map<String, Integer> errorKinds) {}

    private final HttpClient http;

    OpenLoopLoad() {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /**
     * Sends {@code rate × seconds} POSTs to {@code url} at the fixed rate; {@code body} makes the
     * i-th request body (so each can miss the cache) and {@code headers} are added to each.
     */
    Result run(String url, int rate, double seconds, IntFunction<String> body, String[] headers) {
        int n = Math.max(1, (int) Math.round(rate * seconds));
        long[] latency = new long[n];
        Arrays.fill(latency, -1);
        ConcurrentHashMap<String, AtomicInteger> kinds = new ConcurrentHashMap<>();
        long interval = 1_000_000_000L / rate;
        URI uri = URI.create(url);
        long start = System.nanoTime() + 20_000_000L;
        long[] lastEnd = {start};
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                long due = start + i * interval;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    if (wait > 200_000) LockSupport.parkNanos(wait - 100_000); else Thread.onSpinWait();
                }
                final int idx = i;
                HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.apply(i)));
                if (headers.length > 0) rb.headers(headers);
                HttpRequest req = rb.build();
                pool.execute(() -> {
                    try {
                        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                        long end = System.nanoTime();
                        if (r.statusCode() == 200) latency[idx] = end - due;
                        else kinds.computeIfAbsent("http " + r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                        synchronized (lastEnd) { lastEnd[0] = Math.max(lastEnd[0], end); }
                    } catch (Exception e) {
                        kinds.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long[] ok = Arrays.stream(latency).filter(l -> l >= 0).sorted().toArray();
        double elapsed = Math.max(1e-9, (lastEnd[0] - start) / 1e9);
        Map<String, Integer> errorKinds = new TreeMap<>();
        kinds.forEach((k, v) -> errorKinds.put(k, v.get()));
        int unfinished = n - ok.length - errorKinds.values().stream().mapToInt(Integer::intValue).sum();
        if (unfinished > 0) errorKinds.put("unfinished after 60 s", unfinished);
        return new Result(n, ok.length, n - ok.length, ok.length / elapsed,
                pct(ok, 0.50), pct(ok, 0.99), ok.length == 0 ? Double.NaN : ok[ok.length - 1] / 1000.0,
                ok.length == 0 ? Double.NaN : Arrays.stream(ok).average().orElse(0) / 1000.0, Map.copyOf(errorKinds));
    }

    /** Nearest-rank percentile in microseconds. */
    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] / 1000.0;
    }
}
