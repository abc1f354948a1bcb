package dev.tokenwise.gateway.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.testing.PostgresServer;
import dev.tokenwise.gateway.testing.TestGateway;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresGatewayLedgerTest {
    @Test
    void a_gateway_configured_with_a_postgresql_ledger_records_every_request_there() {
        try (PostgresServer pg = PostgresServer.start()) {
            GatewayConfig cfg = GatewayConfig.embeddedDefault()
                    .withLedger(GatewayConfig.embeddedDefault().ledger().withUrl(pg.jdbcUrl()));
            String id;
            try (TestGateway gw = TestGateway.start(cfg)) {
                var r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "What are your business hours?", false),
                        Map.of("x-tokenwise-feature", "faq"));
                assertThat(r.statusCode()).isEqualTo(200);
                id = r.headers().firstValue("x-request-id").orElseThrow();
            } // closing the gateway drains the ledger
            try (LedgerStore store = LedgerStore.open(cfg.ledger(), java.nio.file.Path.of("unused"), k -> null)) {
                assertThat(store.sqlite()).isFalse();
                assertThat(store.query().contains(id)).isTrue();
                assertThat(store.query().groupBy(LedgerQuery.Dimension.FEATURE, LedgerQuery.Filter.ALL))
                        .extracting(LedgerQuery.Group::key).containsExactly("faq");
            }
        }
    }
}
