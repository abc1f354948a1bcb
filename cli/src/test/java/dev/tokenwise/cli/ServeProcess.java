package dev.tokenwise.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code tokenwise serve} as a real child process (this test run's classpath), plus a load
 * generator that remembers which requests were answered 200 and when.
 */
final class ServeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+/v1)");

    final Path dataDir;
    final Process process;
    final String baseUrl;
    /** request id of every 200 answer → when the client received it (System.nanoTime). */
    final Map<String, Long> answered = new ConcurrentHashMap<>();
    final AtomicInteger failures = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private ExecutorService load;

    private ServeProcess(Path dataDir, Process process, String baseUrl) {
        this.dataDir = dataDir;
        this.process = process;
        this.baseUrl = baseUrl;
    }

    /** Starts the gateway with embedded mock models answering after {@code ttftMs}, ledger flushing every {@code flushMs}. */
    static ServeProcess start(Path dir, int ttftMs, int flushMs) throws Exception {
        Path data = dir.resolve("data");
        Path config = dir.resolve("tokenwise.yaml");
        Files.writeString(config, """
                server: {host: 127.0.0.1, port: 0, data_dir: '%s'}
                models:
                  gpt-4o: {provider: mock, tier: large, mock: {ttft_ms: %d, answer_tokens: 20}}
                ledger: {flush_interval_ms: %d}
                """.formatted(data.toString().replace("'", "''"), ttftMs, flushMs));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.tokenwise.cli.Main", "serve", "--config", config.toString())
                .redirectError(dir.resolve("stderr.log").toFile());
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) return new ServeProcess(data, p, m.group(1));
            if (System.nanoTime() > deadline) break;
        }
        p.destroyForcibly();
        throw new IllegalStateException("gateway did not start: " + Files.readString(dir.resolve("stderr.log")));
    }

    /** Starts {@code clients} loops that send requests back to back until {@link #stopLoad()}. */
    void startLoad(int clients) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        load = Executors.newVirtualThreadPerTaskExecutor();
        String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"What are your business hours?\"}]}";
        for (int c = 0; c < clients; c++) {
            load.submit(() -> {
                while (!stop.get()) {
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                                .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
                                .header("x-tokenwise-feature", "load").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            answered.put(r.headers().firstValue("x-request-id").orElseThrow(), System.nanoTime());
                        } else {
                            failures.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                        if (!process.isAlive()) return null;
                    }
                }
                return null;
            });
        }
    }

    void awaitAnswered(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (answered.size() < n && System.nanoTime() < deadline) Thread.sleep(10);
        if (answered.size() < n) throw new IllegalStateException("only " + answered.size() + " answers; failures " + failures.get());
    }

    void stopLoad() throws InterruptedException {
        stop.set(true);
        load.shutdown();
        load.awaitTermination(30, TimeUnit.SECONDS);
    }

    /** id → status of every ledger row. */
    Map<String, Integer> ledgerRows() throws Exception {
        Map<String, Integer> rows = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("ledger.db"));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, status FROM requests")) {
            while (rs.next()) rows.put(rs.getString(1), rs.getInt(2));
        }
        return rows;
    }

    @Override
    public void close() throws Exception {
        stop.set(true);
        if (process.isAlive()) process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        if (load != null) load.close();
    }
}
