package dev.tokenwise.cli.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * An open-loop load generator: request {@code i} is due at {@code start + i/rate}, whether or not
 * earlier ones have finished, and its latency is measured from that intended time — so a stall in
 * the system under test shows up as latency instead of silently lowering the offered rate
 * (no coordinated omission).
 *
 * <p>It is deliberately lean, so that it takes as little of a small machine's CPU as possible away
 * from what it measures: a fixed set of keep-alive HTTP/1.1 connections, opened before the clock
 * starts, each served by one platform thread that writes the request in one syscall and parses
 * the response by hand (status line, Content-Length or chunked body). A pacer thread hands due
 * requests to whichever connection is free; when none is, the request waits and that wait counts
 * as latency.
 */
final class OpenLoopLoad {
    /** Latency figures of one phase, in microseconds; {@code errorSamples} holds one response or message per kind. */
    record Result(int sent, int ok, int errors, double achievedRps, double p50Us, double p99Us, double maxUs,
                  double meanUs, Map<String, Integer> errorKinds, Map<String, String> errorSamples) {}

    static final int DEFAULT_CONNECTIONS = 64;
    private static final int MAX_SAMPLE = 500;

    private final int connections;

    OpenLoopLoad() {
        this(DEFAULT_CONNECTIONS);
    }

    OpenLoopLoad(int connections) {
        if (connections < 1) throw new IllegalArgumentException("--connections must be at least 1, was " + connections);
        this.connections = connections;
    }

    /**
     * Sends {@code rate × seconds} POSTs to {@code url} at the fixed rate; {@code body} makes the
     * i-th request body (so each can miss the cache) and {@code headers} (name, value, name, value…)
     * are added to each.
     */
    Result run(String url, int rate, double seconds, IntFunction<String> body, String[] headers) {
        int n = Math.max(1, (int) Math.round(rate * seconds));
        URI uri = URI.create(url);
        Target target = new Target(uri, headers);
        long[] latency = new long[n];
        Arrays.fill(latency, -1);
        ConcurrentHashMap<String, AtomicInteger> kinds = new ConcurrentHashMap<>();
        ConcurrentHashMap<String, String> samples = new ConcurrentHashMap<>();
        LinkedBlockingQueue<Integer> due = new LinkedBlockingQueue<>();
        AtomicLong lastEnd = new AtomicLong();
        long interval = 1_000_000_000L / rate;
        int workers = Math.min(connections, n);
        Connection[] conns = new Connection[workers];
        for (int w = 0; w < workers; w++) conns[w] = new Connection(target);
        // connect before the clock starts: a cold connection storm is not what is being measured
        for (Connection c : conns) c.tryOpen();
        long start = System.nanoTime() + 20_000_000L;
        lastEnd.set(start);
        CountDownLatch finished = new CountDownLatch(workers);
        Thread[] threads = new Thread[workers];
        for (int w = 0; w < workers; w++) {
            Connection c = conns[w];
            threads[w] = Thread.ofPlatform().daemon().name("load-" + w).stackSize(256 * 1024).start(() -> {
                try {
                    while (true) {
                        int i = due.take();
                        if (i < 0) return;
                        long dueAt = start + i * interval;
                        try {
                            int status = c.exchange(body.apply(i));
                            long end = System.nanoTime();
                            if (status == 200) {
                                latency[i] = end - dueAt;
                            } else {
                                String kind = "http " + status;
                                kinds.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
                                samples.putIfAbsent(kind, c.lastBody());
                            }
                            lastEnd.accumulateAndGet(end, Math::max);
                        } catch (IOException | RuntimeException e) {
                            c.close();
                            String kind = e.getClass().getSimpleName();
                            kinds.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
                            samples.putIfAbsent(kind, String.valueOf(e.getMessage()));
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    c.close();
                    finished.countDown();
                }
            });
        }
        for (int i = 0; i < n; i++) {
            long dueAt = start + i * interval;
            long wait;
            // parking is imprecise by some tens of µs; the delay counts as latency on both paths alike
            while ((wait = dueAt - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
            due.add(i);
        }
        for (int w = 0; w < workers; w++) due.add(-1);
        try {
            if (!finished.await(60, TimeUnit.SECONDS)) {
                for (Connection c : conns) c.close();
                for (Thread t : threads) t.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long[] ok = Arrays.stream(latency).filter(l -> l >= 0).sorted().toArray();
        double elapsed = Math.max(1e-9, (lastEnd.get() - start) / 1e9);
        Map<String, Integer> errorKinds = new TreeMap<>();
        kinds.forEach((k, v) -> errorKinds.put(k, v.get()));
        int unfinished = n - ok.length - errorKinds.values().stream().mapToInt(Integer::intValue).sum();
        if (unfinished > 0) errorKinds.put("unfinished after 60 s", unfinished);
        return new Result(n, ok.length, n - ok.length, ok.length / elapsed,
                pct(ok, 0.50), pct(ok, 0.99), ok.length == 0 ? Double.NaN : ok[ok.length - 1] / 1000.0,
                ok.length == 0 ? Double.NaN : Arrays.stream(ok).average().orElse(0) / 1000.0, Map.copyOf(errorKinds),
                Map.copyOf(new TreeMap<>(samples)));
    }

    /** Nearest-rank percentile in microseconds. */
    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] / 1000.0;
    }

    /** Where requests go and the fixed part of every request's head. */
    private record Target(String host, int port, String head) {
        Target(URI uri, String[] headers) {
            this(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort(), head(uri, headers));
        }

        private static String head(URI uri, String[] headers) {
            if (!"http".equals(uri.getScheme())) throw new IllegalArgumentException("only http:// URLs are supported: " + uri);
            StringBuilder h = new StringBuilder("POST ").append(uri.getRawPath()).append(" HTTP/1.1\r\nHost: ")
                    .append(uri.getHost()).append(':').append(uri.getPort()).append("\r\ncontent-type: application/json\r\n");
            for (int i = 0; i + 1 < headers.length; i += 2) h.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            return h.append("content-length: ").toString();
        }
    }

    /** One keep-alive connection; reopened after a failure or a {@code Connection: close}. */
    private static final class Connection {
        private final Target target;
        private final byte[] buf = new byte[8192];
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private boolean keepBody;
        private String lastBody = "";

        Connection(Target target) {
            this.target = target;
        }

        void tryOpen() {
            try {
                open();
            } catch (IOException e) {
                close(); // the first request retries and reports the failure
            }
        }

        private void open() throws IOException {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(target.host(), target.port()), 5_000);
            s.setSoTimeout(30_000);
            socket = s;
            in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
            out = s.getOutputStream();
        }

        /** Sends one request and reads the whole response; returns its status. */
        int exchange(String body) throws IOException {
            if (socket == null) open();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            byte[] head = (target.head() + b.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            byte[] req = Arrays.copyOf(head, head.length + b.length);
            System.arraycopy(b, 0, req, head.length, b.length);
            out.write(req);
            String status = line();
            if (status.length() < 12 || !status.startsWith("HTTP/1.")) throw new IOException("bad status line: " + status);
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String h; !(h = line()).isEmpty(); ) {
                int colon = h.indexOf(':');
                if (colon < 0) continue;
                String name = h.substring(0, colon).trim();
                String value = h.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("content-length")) length = Long.parseLong(value);
                else if (name.equalsIgnoreCase("transfer-encoding")) chunked = value.equalsIgnoreCase("chunked");
                else if (name.equalsIgnoreCase("connection")) close = value.equalsIgnoreCase("close");
            }
            keepBody = code != 200;
            lastBody = "";
            if (chunked) {
                for (long size; (size = Long.parseLong(line().split(";", 2)[0].trim(), 16)) > 0; ) {
                    skip(size);
                    line();
                }
                while (!line().isEmpty()) { /* trailers */ }
            } else if (length >= 0) {
                skip(length);
            } else {
                close = true;
                while (in.read(buf) >= 0) { /* body until close */ }
            }
            if (close) close();
            return code;
        }

        String lastBody() { return lastBody; }

        private void skip(long n) throws IOException {
            while (n > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, n));
                if (r < 0) throw new EOFException("connection closed in the middle of a response body");
                if (keepBody && lastBody.length() < MAX_SAMPLE) {
                    String s = lastBody + new String(buf, 0, r, StandardCharsets.UTF_8);
                    lastBody = s.length() > MAX_SAMPLE ? s.substring(0, MAX_SAMPLE) : s;
                }
                n -= r;
            }
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder(64);
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) throw new EOFException("connection closed by the server before a complete response");
                if (c != '\r') sb.append((char) c);
            }
            return sb.toString();
        }

        void close() {
            Socket s = socket;
            socket = null;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a broken connection; it is replaced on the next request
                }
            }
        }
    }
}
