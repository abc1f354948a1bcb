package dev.tokenwise.gateway.ledger;

import static dev.tokenwise.gateway.ledger.LedgerTestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.gateway.config.LedgerConfig;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same behaviour on every store: SQLite and PostgreSQL run these tests. */
abstract class LedgerStoreContract {
    static final Instant T0 = Instant.parse("2025-03-01T10:15:00Z");

    abstract LedgerStore open(LedgerConfig config);

    BatchingLedger ledger() {
        return new BatchingLedger(open(LedgerConfig.defaults()), LedgerConfig.defaults());
    }

    @Test
    void totals_sum_spend_baseline_and_saving_of_the_selected_requests() {
        try (BatchingLedger l = ledger()) {
            l.append(record("a", T0, "acme", "faq", "gpt-4o", "cache-exact", "0", "0.004"));
            l.append(record("b", T0.plusSeconds(60), "acme", "faq", "gpt-4o-mini", "routing", "0.0001", "0.003"));
            l.append(record("c", T0.plusSeconds(3600), "acme", "chat", "gpt-4o", "", "0.01", "0.01"));
            l.append(record("d", T0.plusSeconds(7200), "globex", "chat", "gpt-4o", "", "0.02", "0.02"));
            l.flush();
            LedgerQuery q = l.store().query();
            LedgerQuery.Totals all = q.totals(LedgerQuery.Filter.ALL);
            assertThat(all.requests()).isEqualTo(4);
            assertThat(all.spendUsd()).isEqualByComparingTo("0.0301");
            assertThat(all.baselineUsd()).isEqualByComparingTo("0.037");
            assertThat(all.savedUsd()).isEqualByComparingTo("0.0069");
            assertThat(all.savedPct()).isCloseTo(18.648, org.assertj.core.data.Offset.offset(0.001));
            assertThat(all.first()).isEqualTo(T0);
            assertThat(all.last()).isEqualTo(T0.plusSeconds(7200));
            assertThat(all.inputTokens()).isEqualTo(400);

            LedgerQuery.Totals acme = q.totals(LedgerQuery.Filter.ALL.withTenant("acme"));
            assertThat(acme.requests()).isEqualTo(3);
            LedgerQuery.Totals window = q.totals(new LedgerQuery.Filter(T0.plusSeconds(30), T0.plusSeconds(3601), null));
            assertThat(window.requests()).isEqualTo(2);
            assertThat(q.totals(new LedgerQuery.Filter(T0.plusSeconds(99_999), null, null))).isEqualTo(LedgerQuery.Totals.EMPTY);
        }
    }

    @Test
    void groups_by_feature_model_key_strategy_and_cache_status() {
        try (BatchingLedger l = ledger()) {
            l.append(record("a", T0, "acme", "faq", "gpt-4o", "cache-exact", "0", "0.004"));
            l.append(record("b", T0, "acme", "faq", "gpt-4o-mini", "routing,trim", "0.0001", "0.003"));
            l.append(record("c", T0, "globex", "chat", "gpt-4o", "", "0.01", "0.01"));
            l.flush();
            LedgerQuery q = l.store().query();
            List<LedgerQuery.Group> byFeature = q.groupBy(LedgerQuery.Dimension.FEATURE, LedgerQuery.Filter.ALL);
            assertThat(byFeature).extracting(LedgerQuery.Group::key).containsExactly("chat", "faq");
            assertThat(byFeature.get(1).totals().savedUsd()).isEqualByComparingTo("0.0069");
            assertThat(q.groupBy(LedgerQuery.Dimension.STRATEGY, LedgerQuery.Filter.ALL))
                    .extracting(LedgerQuery.Group::key).containsExactly("none", "cache-exact", "routing,trim");
            assertThat(q.groupBy(LedgerQuery.Dimension.MODEL, LedgerQuery.Filter.ALL))
                    .extracting(LedgerQuery.Group::key).containsExactly("gpt-4o", "gpt-4o-mini");
            assertThat(q.groupBy(LedgerQuery.Dimension.KEY, LedgerQuery.Filter.ALL.withTenant("globex")))
                    .extracting(LedgerQuery.Group::key).containsExactly("key-globex");
            assertThat(q.groupBy(LedgerQuery.Dimension.parse("cache_status"), LedgerQuery.Filter.ALL))
                    .extracting(LedgerQuery.Group::key).containsExactlyInAnyOrder("hit-exact", "miss");
        }
    }

    @Test
    void a_time_series_has_one_point_per_bucket_with_requests() {
        try (BatchingLedger l = ledger()) {
            l.append(record("a", T0, "acme", "faq", "gpt-4o", "", "0.001", "0.002"));
            l.append(record("b", T0.plusSeconds(1800), "acme", "faq", "gpt-4o", "", "0.001", "0.002"));
            l.append(record("c", T0.plusSeconds(3 * 3600), "acme", "faq", "gpt-4o", "", "0.005", "0.005"));
            l.flush();
            LedgerQuery q = l.store().query();
            List<LedgerQuery.Point> hours = q.series(LedgerQuery.Bucket.HOUR, LedgerQuery.Filter.ALL);
            assertThat(hours).extracting(LedgerQuery.Point::start).containsExactly(
                    Instant.parse("2025-03-01T10:00:00Z"), Instant.parse("2025-03-01T13:00:00Z"));
            assertThat(hours.getFirst().requests()).isEqualTo(2);
            assertThat(hours.getFirst().baselineUsd()).isEqualByComparingTo("0.004");
            assertThat(q.series(LedgerQuery.Bucket.DAY, LedgerQuery.Filter.ALL)).hasSize(1);
        }
    }

    @Test
    void recent_requests_come_back_newest_first_with_every_field() {
        try (BatchingLedger l = ledger()) {
            LedgerRecord a = record("a", T0, "acme", "faq", "gpt-4o", "cache-exact", "0", "0.004");
            LedgerRecord b = new LedgerRecord("b", T0.plusSeconds(5), "k", "acme", "chat", "gpt-4o", null, null, 0, 0, 0,
                    BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, "", "bypass", 3.25, 1.5, 429, "budget_exceeded");
            l.append(a);
            l.append(b);
            l.flush();
            List<LedgerRecord> recent = l.store().query().recent(10, LedgerQuery.Filter.ALL);
            assertThat(recent).hasSize(2);
            assertThat(recent.get(0)).usingRecursiveComparison().withComparatorForType(BigDecimal::compareTo, BigDecimal.class).isEqualTo(b);
            assertThat(recent.get(1)).usingRecursiveComparison().withComparatorForType(BigDecimal::compareTo, BigDecimal.class).isEqualTo(a);
            assertThat(l.store().query().totals(LedgerQuery.Filter.ALL).errors()).isEqualTo(1);
        }
    }

    @Test
    void close_writes_every_queued_record() {
        int n = 20_000;
        LedgerStore store = open(LedgerConfig.defaults());
        String url = store.url();
        BatchingLedger l = new BatchingLedger(store, LedgerConfig.defaults().withFlushIntervalMs(60_000));
        for (int i = 0; i < n; i++) l.append(record("r" + i, T0.plusMillis(i), "acme", "faq", "gpt-4o", "", "0.001", "0.002"));
        l.close();
        assertThat(l.written()).isEqualTo(n);
        assertThat(l.dropped()).isZero();
        try (LedgerStore reopened = open(LedgerConfig.defaults())) {
            assertThat(reopened.url()).isEqualTo(url);
            assertThat(reopened.query().totals(LedgerQuery.Filter.ALL).requests()).isEqualTo(n);
        }
    }

    @Test
    void a_record_is_written_within_the_flush_interval_without_an_explicit_flush() throws Exception {
        LedgerConfig cfg = LedgerConfig.defaults().withFlushIntervalMs(100);
        try (BatchingLedger l = new BatchingLedger(open(cfg), cfg)) {
            long start = System.nanoTime();
            l.append(record("x", T0, "acme", "faq", "gpt-4o", "", "0.001", "0.002"));
            // the point is that no flush or close is needed; the bound is loose because a busy 2-core
            // machine can stall the writer thread for far longer than the 100 ms interval
            while (!l.store().query().contains("x")) {
                assertThat((System.nanoTime() - start) / 1_000_000).as("ms until visible").isLessThan(15_000);
                Thread.sleep(5);
            }
            assertThat(l.written()).isEqualTo(1);
        }
    }
}
