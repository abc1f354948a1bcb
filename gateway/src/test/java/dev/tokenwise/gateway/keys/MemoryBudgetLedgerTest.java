package dev.tokenwise.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenwise.gateway.config.ConfigException;
import dev.tokenwise.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryBudgetLedgerTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-03-01T10:00:00Z"));
    private static final long LIMIT = 1_000;
    @TempDir Path dir;

    private GatewayConfig config() {
        GatewayConfig c = GatewayConfig.embeddedDefault();
        return c.withServer(c.server().withDataDir(dir.toString()));
    }

    @Test
    void the_serving_gateway_counts_budgets_in_memory_and_a_second_one_on_the_same_file_without_redis_is_refused() {
        try (Keys first = Keys.openServing(config(), CLOCK)) {
            assertThat(first.budgets()).isInstanceOf(MemoryBudgetLedger.class);
            assertThatThrownBy(() -> Keys.openServing(config(), CLOCK)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("keys.redis_url");
            try (Keys reader = Keys.open(config(), CLOCK)) {
                assertThat(reader.budgets()).as("commands that do not serve keep SQL").isInstanceOf(JdbcKeyStore.class);
            }
        }
        try (Keys again = Keys.openServing(config(), CLOCK)) {
            assertThat(again.budgets()).as("the lock is released at close").isInstanceOf(MemoryBudgetLedger.class);
        }
    }

    @Test
    void two_hundred_simultaneous_reservations_never_overspend() throws Exception {
        try (Keys keys = Keys.openServing(config(), CLOCK)) {
            BudgetLedger ledger = keys.budgets();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> fs = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 200; i++) {
                    fs.add(pool.submit(() -> {
                        start.await();
                        if (!ledger.reserve("k", "2026-03", LIMIT, 30)) return false;
                        ledger.settle("k", "2026-03", 30, 25);
                        return true;
                    }));
                }
                start.countDown();
                int ok = 0;
                for (Future<Boolean> f : fs) if (f.get()) ok++;
                BudgetLedger.Balance b = ledger.balance("k", "2026-03");
                assertThat(b.reservedNanos()).isZero();
                assertThat(b.spentNanos()).isEqualTo(ok * 25L).isLessThanOrEqualTo(LIMIT);
                assertThat(ok).isGreaterThan(30);
            }
        }
    }

    @Test
    void spend_is_written_behind_at_close_and_counted_again_after_a_restart() {
        try (Keys keys = Keys.openServing(config(), CLOCK)) {
            assertThat(keys.budgets().reserve("k", "2026-03", LIMIT, 700)).isTrue();
            keys.budgets().settle("k", "2026-03", 700, 600);
        }
        try (Keys sql = Keys.open(config(), CLOCK)) {
            assertThat(sql.budgets().balance("k", "2026-03")).isEqualTo(new BudgetLedger.Balance(600, 0));
        }
        try (Keys again = Keys.openServing(config(), CLOCK)) {
            assertThat(again.budgets().reserve("k", "2026-03", LIMIT, 500)).as("600 of 1,000 spent before the restart").isFalse();
            assertThat(again.budgets().reserve("k", "2026-03", LIMIT, 400)).isTrue();
        }
    }

    @Test
    void spend_reaches_the_store_within_the_flush_interval_without_a_close() throws Exception {
        try (Keys keys = Keys.openServing(config(), CLOCK); Keys sql = Keys.open(config(), CLOCK)) {
            keys.budgets().reserve("k", "2026-03", LIMIT, 10);
            keys.budgets().settle("k", "2026-03", 10, 7);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (sql.budgets().balance("k", "2026-03").spentNanos() != 7 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(sql.budgets().balance("k", "2026-03").spentNanos()).isEqualTo(7);
        }
    }
}
