package dev.tokenwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger against process death: SIGTERM loses nothing; kill -9 loses at most the last flush interval. */
class LedgerShutdownTest {
    private static final int CLIENTS = 16;

    @Test
    void sigterm_under_load_leaves_exactly_one_ledger_row_per_answered_request(@TempDir Path dir) throws Exception {
        // a long flush interval, so at SIGTERM many answered requests are still only in the writer's queue
        try (ServeProcess gw = ServeProcess.start(dir, 5, 5_000)) {
            gw.startLoad(CLIENTS);
            gw.awaitAnswered(300, Duration.ofSeconds(60));
            gw.process.destroy(); // SIGTERM
            assertThat(gw.process.waitFor(60, TimeUnit.SECONDS)).as("gateway exited").isTrue();
            gw.stopLoad();

            Map<String, Integer> rows = gw.ledgerRows();
            Set<String> missing = new HashSet<>(gw.answered.keySet());
            missing.removeAll(rows.keySet());
            assertThat(missing).as("answered requests missing from the ledger").isEmpty();
            assertThat(gw.answered.keySet()).allSatisfy(id -> assertThat(rows.get(id)).isEqualTo(200));
            // rows beyond the answered ones can only be requests in flight when the signal came
            // (recorded, but the client never read the answer)
            assertThat(rows.size() - gw.answered.size()).isBetween(0, CLIENTS);
            System.out.printf("sigterm: answered=%d ledger_rows=%d lost=0%n", gw.answered.size(), rows.size());
        }
    }

    @Test
    void kill_9_loses_only_requests_answered_within_the_last_flush_interval(@TempDir Path dir) throws Exception {
        int flushMs = Integer.getInteger("tokenwise.kill9.flush_ms", 200);
        try (ServeProcess gw = ServeProcess.start(dir, 5, flushMs)) {
            gw.startLoad(CLIENTS);
            gw.awaitAnswered(300, Duration.ofSeconds(60));
            long killedAt = System.nanoTime();
            gw.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(gw.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            gw.stopLoad();

            Map<String, Integer> rows = gw.ledgerRows();
            long lost = 0;
            double oldestLostMs = 0;
            for (Map.Entry<String, Long> a : gw.answered.entrySet()) {
                if (!rows.containsKey(a.getKey())) {
                    lost++;
                    oldestLostMs = Math.max(oldestLostMs, (killedAt - a.getValue()) / 1e6);
                }
            }
            System.out.printf("kill -9: flush_interval_ms=%d answered=%d ledger_rows=%d lost=%d oldest_lost_answer_ms_before_kill=%.1f%n",
                    flushMs, gw.answered.size(), rows.size(), lost, oldestLostMs);
            // a record waits at most one flush interval plus one batch commit (generous: CI machines are busy)
            assertThat(oldestLostMs).isLessThan(flushMs + 2_000);
        }
    }
}
