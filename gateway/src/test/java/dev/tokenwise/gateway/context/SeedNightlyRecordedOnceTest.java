package dev.tokenwise.gateway.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.scenario.SeedScenario;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.ledger.LedgerQuery;
import dev.tokenwise.gateway.testing.TestGateway;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Regression: the demo's nightly jobs, answered through a waiting batch, were counted twice in the ledger. */
class SeedNightlyRecordedOnceTest {
    @Test
    void each_waiting_deferrable_request_of_the_seed_is_one_ledger_record() throws Exception {
        GatewayConfig cfg = GatewayConfig.embeddedDefault().withContext(StageHarness.config("""
                context:
                  routes:
                    - feature: nightly-batch
                      batch: {deferrable: true, wait_for_result: true, poll_interval_ms: 5}
                """));
        List<SeedScenario.Item> items = SeedScenario.withSeed(1).withMix(SeedScenario.Mix.only(SeedScenario.Kind.NIGHTLY_BATCH)).generate(40);
        try (TestGateway gw = TestGateway.start(cfg)) {
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                var futures = items.stream().map(item -> pool.submit(() ->
                        gw.post("/chat/completions", Json.write(item.request().body()), item.headers()).statusCode())).toList();
                for (var f : futures) assertThat(f.get()).isEqualTo(200);
            }
            gw.gateway().ledger().flush();
            var records = gw.gateway().ledgerQuery().recent(100, LedgerQuery.Filter.ALL);
            assertThat(records).hasSize(40).allSatisfy(r -> assertThat(r.strategy()).isEqualTo("batch"));
        }
    }
}
