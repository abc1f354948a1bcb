package dev.tokenwise.gateway.ledger;

import static dev.tokenwise.gateway.ledger.LedgerTestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.gateway.config.LedgerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteLedgerTest extends LedgerStoreContract {
    @TempDir
    Path dir;

    @Override
    LedgerStore open(LedgerConfig config) {
        return LedgerStore.open(config, dir, k -> null);
    }

    @Test
    void the_embedded_ledger_is_a_sqlite_file_in_wal_mode_under_the_data_dir() throws Exception {
        try (LedgerStore s = open(LedgerConfig.defaults())) {
            assertThat(s.sqlite()).isTrue();
            assertThat(Files.exists(dir.resolve("ledger.db"))).isTrue();
            try (Connection c = s.dataSource().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
            }
        }
    }

    @Test
    void concurrent_appends_and_flushes_lose_nothing_and_write_nothing_twice() throws Exception {
        LedgerConfig cfg = LedgerConfig.defaults().withFlushIntervalMs(5);
        BatchingLedger l = new BatchingLedger(open(cfg), cfg);
        int threads = 8, each = 2_000;
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int id = t;
                pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        l.append(record("t" + id + "-" + i, LedgerStoreContract.T0, "acme", "faq", "gpt-4o", "", "0.001", "0.002"));
                        if (i % 500 == 0) l.flush();
                    }
                });
            }
        }
        l.close();
        assertThat(l.dropped()).isZero();
        assertThat(l.written()).isEqualTo((long) threads * each);
        try (LedgerStore s = open(cfg)) {
            LedgerQuery.Totals t = s.query().totals(LedgerQuery.Filter.ALL);
            assertThat(t.requests()).isEqualTo((long) threads * each);
            assertThat(t.spendUsd()).isEqualByComparingTo(new java.math.BigDecimal("16.000"));
        }
    }

    @Test
    void when_the_queue_stays_full_records_are_counted_as_dropped_never_silently_lost() throws Exception {
        LedgerConfig cfg = LedgerConfig.defaults().withFlushIntervalMs(1).withQueue(500, 0);
        try (BatchingLedger l = new BatchingLedger(open(cfg), cfg);
             Connection blocker = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ledger.db"));
             Statement st = blocker.createStatement()) {
            // another process holds the write lock: the writer cannot commit and the queue fills up
            st.execute("PRAGMA busy_timeout=0");
            st.execute("BEGIN EXCLUSIVE");
            int n = 5_000;
            for (int i = 0; i < n; i++) l.append(record("r" + i, LedgerStoreContract.T0, "acme", "faq", "gpt-4o", "", "0", "0"));
            assertThat(l.dropped()).isPositive();
            assertThat(l.appended() + l.dropped()).isEqualTo(n);
            st.execute("ROLLBACK");
            l.flush();
            assertThat(l.store().query().totals(LedgerQuery.Filter.ALL).requests()).isEqualTo(l.appended());
        }
    }
}
