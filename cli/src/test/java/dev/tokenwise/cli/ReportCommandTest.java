package dev.tokenwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.config.LedgerConfig;
import dev.tokenwise.gateway.ledger.BatchingLedger;
import dev.tokenwise.gateway.ledger.LedgerRecord;
import dev.tokenwise.gateway.ledger.LedgerStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReportCommandTest {
    private static final Instant NOW = Instant.parse("2025-06-30T12:00:00Z");

    @TempDir
    Path dir;

    private void seed() {
        try (BatchingLedger l = new BatchingLedger(LedgerStore.open(LedgerConfig.defaults(), dir, k -> null), LedgerConfig.defaults())) {
            // ten days of traffic: $1 spent per day against a $4 baseline, all in the last 10 days
            for (int d = 0; d < 10; d++) {
                Instant t = NOW.minus(Duration.ofDays(10)).plus(Duration.ofDays(d)).plusSeconds(60);
                l.append(row("a" + d, t, "faq", "cache-exact", "0", "2"));
                l.append(row("b" + d, t, "chat", "routing", "1", "2"));
            }
            // one old request outside a 30-day window
            l.append(row("old", NOW.minus(Duration.ofDays(90)), "faq", "", "5", "5"));
        }
    }

    private static LedgerRecord row(String id, Instant t, String feature, String strategy, String cost, String baseline) {
        BigDecimal c = new BigDecimal(cost), b = new BigDecimal(baseline);
        return new LedgerRecord(id, t, "k1", "default", feature, "gpt-4o", "gpt-4o", "mock", 10, 0, 5, c, b, b.subtract(c),
                strategy, strategy.startsWith("cache") ? "hit-exact" : "miss", 10, -1, 200, null);
    }

    private String run(String... args) {
        ReportCommand cmd = new ReportCommand();
        cmd.clock = InstantSource.fixed(NOW);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        cmd.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int exit = new CommandLine(cmd).execute(args);
        assertThat(exit).isZero();
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void json_report_has_totals_a_monthly_run_rate_and_the_cfo_view() {
        seed();
        JsonNode r = Json.parse(run("--data-dir", dir.toString(), "--since", "30d", "--by", "strategy", "--json"));
        assertThat(r.path("requests").asLong()).isEqualTo(20);
        assertThat(r.path("spend_usd").asDouble()).isEqualTo(10.0);
        assertThat(r.path("baseline_usd").asDouble()).isEqualTo(40.0);
        assertThat(r.path("saved_usd").asDouble()).isEqualTo(30.0);
        assertThat(r.path("saved_pct").asDouble()).isEqualTo(75.0);
        // first request 9d 23h59m ago → 10 days observed → ×3 for a 30-day month
        assertThat(r.path("run_rate").path("monthly_spend_usd").asDouble()).isCloseTo(30.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(r.path("cfo").get(1).path("traffic").asInt()).isEqualTo(2);
        assertThat(r.path("cfo").get(1).path("monthly_spend_usd").asDouble()).isCloseTo(60.0, org.assertj.core.data.Offset.offset(0.02));
        assertThat(r.path("cfo").get(2).path("monthly_baseline_usd").asDouble()).isCloseTo(1200.0, org.assertj.core.data.Offset.offset(0.5));
        assertThat(r.path("by").asText()).isEqualTo("strategy");
        assertThat(r.path("groups")).extracting(g -> g.path("key").asText()).containsExactlyInAnyOrder("cache-exact", "routing");
    }

    @Test
    void all_time_includes_older_requests_and_the_table_is_readable() {
        seed();
        String text = run("--data-dir", dir.toString(), "--since", "all", "--by", "feature");
        assertThat(text).contains("requests   21").contains("saved      $30.00").contains("10x").contains("by feature")
                .contains("faq").contains("chat");
    }

    @Test
    void a_missing_ledger_and_a_bad_window_are_one_line_errors() {
        CommandLine cl = Main.commandLine();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        cl.setErr(new java.io.PrintWriter(err, true));
        assertThat(cl.execute("report", "--data-dir", dir.resolve("none").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no ledger at");
        seed();
        assertThat(cl.execute("report", "--data-dir", dir.toString(), "--since", "yesterday")).isEqualTo(2);
        assertThat(err.toString()).contains("--since 'yesterday'");
        assertThat(cl.execute("report", "--data-dir", dir.toString(), "--by", "colour")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown grouping 'colour'");
    }
}
