package dev.tokenwise.gateway.context;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.keys.BudgetLedger;
import dev.tokenwise.gateway.keys.BudgetPeriod;
import dev.tokenwise.gateway.keys.KeyStore;
import dev.tokenwise.gateway.ledger.LedgerQuery;
import dev.tokenwise.gateway.testing.PostgresServer;
import dev.tokenwise.gateway.testing.TestGateway;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Batch jobs survive a restart of the gateway on the same SQLite file: finished jobs are listed
 * and serve their results, a job that was running inside the stopped process is failed with a
 * reason and its budget reservations are released.
 */
class BatchRestartTest {
    private static GatewayConfig config() {
        GatewayConfig base = BatchBudgetTest.config();
        Map<String, ModelConfig> models = new LinkedHashMap<>(base.models());
        // answers after a minute: still running when the gateway stops
        models.put("stuck-mock", ModelConfig.mock("small", new ModelConfig.MockConfig(60_000, 0, 10)));
        return TestGateway.withTempDataDir(new GatewayConfig(base.server(), models).withContext(base.context()));
    }

    @Test
    void a_restarted_gateway_lists_finished_jobs_serves_their_results_and_fails_the_interrupted_ones() throws Exception {
        GatewayConfig cfg = config();
        String finished;
        String interrupted;
        String keyId;
        String answers;
        long spentBefore;
        String period = BudgetPeriod.DAY.bucket(Instant.now());
        Map<String, String> auth;
        try (TestGateway gw = TestGateway.start(Gateway.builder(cfg).port(0))) {
            KeyStore.Created k = gw.gateway().keys().store().create("nightly", "acme", new BigDecimal("5"), BudgetPeriod.DAY);
            keyId = k.key().id();
            auth = Map.of("Authorization", "Bearer " + k.secret());
            finished = TestGateway.json(gw.post("/tokenwise/batches", BatchBudgetTest.batch("gpt-4o", 2), auth)).path("id").asText();
            assertThat(BatchBudgetTest.waitDone(gw, finished, auth).path("status").asText()).isEqualTo("completed");
            answers = TestGateway.json(gw.get("/tokenwise/batches/" + finished + "/results", auth)).path("data").toString();
            interrupted = TestGateway.json(gw.post("/tokenwise/batches", BatchBudgetTest.batch("stuck-mock", 3), auth)).path("id").asText();
            BudgetLedger.Balance b = gw.gateway().keys().budgets().balance(keyId, period);
            assertThat(b.reservedNanos()).as("the running job's reservations").isPositive();
            spentBefore = b.spentNanos();
            assertThat(spentBefore).isPositive();
        }

        try (TestGateway gw = TestGateway.start(Gateway.builder(cfg).port(0))) {
            JsonNode list = TestGateway.json(gw.get("/tokenwise/batches", auth));
            assertThat(list.path("data")).extracting(n -> n.path("id").asText()).containsExactlyInAnyOrder(finished, interrupted);

            assertThat(TestGateway.json(gw.get("/tokenwise/batches/" + finished, auth)).path("status").asText()).isEqualTo("completed");
            JsonNode results = TestGateway.json(gw.get("/tokenwise/batches/" + finished + "/results", auth));
            assertThat(results.path("data").toString()).isEqualTo(answers);

            JsonNode failed = TestGateway.json(gw.get("/tokenwise/batches/" + interrupted, auth));
            assertThat(failed.path("status").asText()).isEqualTo("failed");
            assertThat(failed.at("/request_counts/failed").asInt()).isEqualTo(3);
            assertThat(failed.at("/provider_batches/0/message").asText()).contains("restarted");
            JsonNode lost = TestGateway.json(gw.get("/tokenwise/batches/" + interrupted + "/results", auth));
            assertThat(lost.at("/data/0/status").asText()).isEqualTo("failed");
            assertThat(lost.at("/data/0/error/code").asText()).isEqualTo("upstream_batch_error");
            assertThat(lost.at("/data/0/error/message").asText()).contains("restarted", "submit them again");

            // the interrupted job's reservations are released; the finished job's spend stays
            BudgetLedger.Balance b = gw.gateway().keys().budgets().balance(keyId, period);
            assertThat(b.reservedNanos()).isZero();
            assertThat(b.spentNanos()).isEqualTo(spentBefore);

            // another tenant still cannot see the jobs
            Map<String, String> globex = Map.of("Authorization", "Bearer "
                    + gw.gateway().keys().store().create("globex-app", "globex", null, null).secret());
            assertThat(TestGateway.json(gw.get("/tokenwise/batches", globex)).path("data")).isEmpty();
            assertThat(gw.get("/tokenwise/batches/" + finished + "/results", globex).statusCode()).isEqualTo(404);

            // the finished requests were recorded in the ledger once, before the restart, not again
            gw.gateway().ledger().flush();
            assertThat(gw.gateway().ledgerQuery().groupBy(LedgerQuery.Dimension.KEY, LedgerQuery.Filter.ALL.withTenant("acme")))
                    .singleElement().satisfies(g -> assertThat(g.totals().requests()).isEqualTo(2));
        }
    }

    @Test
    void a_replica_starting_on_the_same_database_leaves_the_jobs_of_a_running_gateway_alone() throws Exception {
        // replicas share keys, budgets and the batch journal through PostgreSQL (a second gateway on
        // one SQLite file without Redis is refused: MemoryBudgetLedgerTest)
        try (PostgresServer pg = PostgresServer.start()) {
            GatewayConfig base = config();
            GatewayConfig a0 = TestGateway.replica(base, pg.jdbcUrl());
            GatewayConfig b0 = TestGateway.replica(base, pg.jdbcUrl());
            try (TestGateway a = TestGateway.start(Gateway.builder(a0).port(0))) {
                KeyStore.Created k = a.gateway().keys().store().create("nightly", "acme", new BigDecimal("5"), BudgetPeriod.DAY);
                Map<String, String> auth = Map.of("Authorization", "Bearer " + k.secret());
                String running = TestGateway.json(a.post("/tokenwise/batches", BatchBudgetTest.batch("slow-mock", 2), auth)).path("id").asText();
                try (TestGateway b = TestGateway.start(Gateway.builder(b0).port(0))) {
                    assertThat(TestGateway.json(b.get("/tokenwise/batches", auth)).path("data")).isEmpty();
                }
                assertThat(BatchBudgetTest.waitDone(a, running, auth).path("status").asText()).isEqualTo("completed");
                a.gateway().ledger().flush();
                assertThat(a.gateway().ledgerQuery().groupBy(LedgerQuery.Dimension.KEY, LedgerQuery.Filter.ALL.withTenant("acme")))
                        .singleElement().satisfies(g -> assertThat(g.totals().requests()).isEqualTo(2));
            }
        }
    }
}
