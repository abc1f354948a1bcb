package dev.tokenwise.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.cli.Main;
import dev.tokenwise.core.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
    private static synchronized String[] run(String... args) {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            int code = Main.commandLine().execute(args);
            return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(oldOut);
        }
    }

    @Test
    void bench_overhead_measures_direct_and_gateway_latency_in_the_same_run_through_the_full_pipeline() {
        String[] r = run("bench", "overhead", "--rates", "50,100", "--duration", "1s", "--warmup", "300ms", "--json");
        assertThat(r[0]).isEqualTo("0");
        JsonNode j = Json.parse(r[1].strip());
        assertThat(j.path("pipeline").asText()).contains("AuthStage", "BudgetStage", "CacheStage", "AccountingStage", "ProviderStage");
        assertThat(j.path("rates")).hasSize(2);
        for (JsonNode row : j.path("rates")) {
            assertThat(row.path("direct").path("sent").asInt()).isEqualTo(row.path("rate").asInt());
            assertThat(row.path("gateway").path("errors").asInt()).as("every request through the gateway succeeded: %s",
                    row.path("gateway").path("error_kinds")).isZero();
            assertThat(row.path("gateway").path("error_kinds").isEmpty()).isTrue();
            assertThat(row.path("gateway").path("p50_us").asDouble()).isPositive();
            assertThat(row.has("added_p50_us") && row.has("added_p99_us")).isTrue();
        }
        assertThat(j.path("highest_sustained_rps").asInt()).isIn(50, 100);
    }

    @Test
    void bench_overhead_measures_the_floor_proxies_next_to_the_gateway_in_the_same_run() {
        String[] r = run("bench", "overhead", "--rates", "50", "--duration", "1s", "--warmup", "300ms",
                "--floor", "passthrough,blocking", "--json");
        assertThat(r[0]).isEqualTo("0");
        JsonNode row = Json.parse(r[1].strip()).path("rates").get(0);
        for (String proxy : new String[] {"passthrough", "blocking"}) {
            JsonNode p = row.path(proxy);
            assertThat(p.path("sent").asInt()).as(proxy).isEqualTo(50);
            assertThat(p.path("errors").asInt()).as("%s: %s", proxy, p.path("error_samples")).isZero();
            assertThat(p.path("cpu_us_per_request").path("proxy").isNumber()).as(proxy).isTrue();
            assertThat(p.has("added_p50_us")).isTrue();
        }
        assertThat(row.path("gateway").path("context_switches_per_request").path("gateway").asDouble()).isPositive();
    }

    @Test
    void bench_soak_samples_heap_direct_memory_rss_threads_and_descriptors() {
        String[] r = run("bench", "soak", "--rate", "50", "--duration", "2s", "--interval", "1s", "--warmup", "300ms", "--json");
        assertThat(r[0]).isEqualTo("0");
        JsonNode j = Json.parse(r[1].strip());
        assertThat(j.path("errors").asInt()).isZero();
        assertThat(j.path("samples")).hasSize(2);
        for (JsonNode s : j.path("samples")) {
            assertThat(s.path("heap_after_gc_mb").asDouble()).isPositive();
            // the exact cache's log is off the heap: its first 4 MiB segment (256 MiB / 64) holds the answers
            assertThat(s.path("direct_mb").asDouble()).isGreaterThanOrEqualTo(4.0);
            assertThat(s.path("rss_mb").asDouble()).isGreaterThan(s.path("heap_after_gc_mb").asDouble());
            assertThat(s.path("threads").asInt()).isPositive();
        }
        assertThat(j.has("direct_slope_mb_per_min") && j.has("rss_slope_mb_per_min")).isTrue();
    }

    @Test
    void an_unknown_floor_proxy_is_a_usage_error() {
        assertThat(run("bench", "overhead", "--floor", "nginx")[0]).isNotEqualTo("0");
    }

    @Test
    void failed_requests_are_counted_by_kind_so_a_soak_says_why_it_failed() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        OpenLoopLoad.Result r = new OpenLoopLoad().run("http://127.0.0.1:" + closedPort + "/v1/chat/completions", 20, 0.5,
                i -> "{}", new String[0]);
        assertThat(r.ok()).isZero();
        assertThat(r.errors()).isEqualTo(r.sent());
        assertThat(r.errorKinds()).containsOnlyKeys("ConnectException");
        assertThat(r.errorKinds().get("ConnectException")).isEqualTo(r.sent());
    }

    @Test
    void a_failed_response_is_counted_by_status_with_its_body_so_the_cause_of_a_5xx_is_in_the_output(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        var cfg = dev.tokenwise.gateway.config.GatewayConfig.mockUpstream(
                        new dev.tokenwise.gateway.config.ModelConfig.MockConfig(0, 0, 5, "error"))
                .withServer(dev.tokenwise.gateway.config.GatewayConfig.embeddedDefault().server().withPort(0)
                        .withDataDir(dir.toString()))
                .withObservability(OverheadCommand.QUIET);
        try (var upstream = dev.tokenwise.gateway.Gateway.builder(cfg).start()) {
            OpenLoopLoad.Result r = new OpenLoopLoad(4).run(upstream.baseUrl() + "/chat/completions", 20, 0.5,
                    i -> "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi " + i + "\"}]}",
                    new String[0]);
            assertThat(r.ok()).isZero();
            assertThat(r.errorKinds()).hasSize(1);
            String kind = r.errorKinds().keySet().iterator().next();
            assertThat(kind).startsWith("http 5");
            assertThat(r.errorKinds().get(kind)).isEqualTo(r.sent());
            assertThat(r.errorSamples().get(kind)).contains("\"error\"");
        }
    }

    @Test
    void a_malformed_duration_is_a_clear_usage_error() {
        assertThat(run("bench", "overhead", "--duration", "soon")[0]).isEqualTo("2");
    }

    @Test
    void soak_slope_is_the_least_squares_trend_without_the_warm_up_sample() {
        var samples = Json.array();
        double[] heap = {90, 10, 12, 14, 16};
        for (int i = 0; i < heap.length; i++) samples.addObject().put("t_s", (i + 1) * 30).put("heap_after_gc_mb", heap[i]);
        assertThat(SoakCommand.slope(samples, "heap_after_gc_mb") * 60).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-9));
    }
}
