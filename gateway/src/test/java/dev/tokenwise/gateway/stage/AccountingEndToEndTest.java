package dev.tokenwise.gateway.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.ledger.LedgerQuery;
import dev.tokenwise.gateway.ledger.LedgerRecord;
import dev.tokenwise.gateway.testing.TestGateway;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccountingEndToEndTest {
    @Test
    void a_plain_request_gets_cost_headers_and_one_ledger_row_priced_from_the_reported_usage() {
        try (TestGateway gw = TestGateway.embedded()) {
            HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("gpt-4o", "What are your business hours?", false),
                    Map.of("x-tokenwise-feature", "faq"));
            assertThat(r.statusCode()).isEqualTo(200);
            Usage u = Usage.fromOpenAi(TestGateway.json(r).get("usage"));
            BigDecimal expected = gw.gateway().prices().cost("gpt-4o", u);
            assertThat(new BigDecimal(r.headers().firstValue("x-tokenwise-cost-usd").orElseThrow())).isEqualByComparingTo(expected);
            assertThat(r.headers().firstValue("x-tokenwise-saved-usd")).hasValue("0");
            assertThat(r.headers().firstValue("x-tokenwise-served-model")).hasValue("gpt-4o");
            assertThat(r.headers().firstValue("x-tokenwise-cache")).hasValue("miss");
            gw.gateway().ledger().flush();
            LedgerRecord row = gw.gateway().ledgerQuery().recent(5, LedgerQuery.Filter.ALL).getFirst();
            assertThat(row.id()).isEqualTo(r.headers().firstValue("x-request-id").orElseThrow());
            assertThat(row.feature()).isEqualTo("faq");
            assertThat(row.costUsd()).isEqualByComparingTo(expected);
            assertThat(row.baselineUsd()).isEqualByComparingTo(expected);
        }
    }

    @Test
    void a_stream_is_recorded_with_the_usage_the_provider_reported_in_its_last_chunk_and_a_time_to_first_token() {
        try (TestGateway gw = TestGateway.embedded()) {
            String body = TestGateway.chat("claude-3-5-sonnet", "Tell me about your tents.", true)
                    .replace("\"stream\":true", "\"stream\":true,\"stream_options\":{\"include_usage\":true}");
            HttpResponse<String> r = gw.post("/chat/completions", body, Map.of());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-tokenwise-served-model")).hasValue("claude-3-5-sonnet");
            String usageLine = r.body().lines().filter(l -> l.contains("\"usage\":{")).reduce((a, b) -> b).orElseThrow();
            Usage u = Usage.fromOpenAi(dev.tokenwise.core.wire.Json.parse(usageLine.substring("data: ".length())).get("usage"));
            assertThat(u.completionTokens()).isPositive();
            gw.gateway().ledger().flush();
            LedgerRecord row = gw.gateway().ledgerQuery().recent(1, LedgerQuery.Filter.ALL).getFirst();
            assertThat(row.inputTokens()).isEqualTo(u.promptTokens());
            assertThat(row.outputTokens()).isEqualTo(u.completionTokens());
            assertThat(row.costUsd()).isEqualByComparingTo(gw.gateway().prices().cost("claude-3-5-sonnet", u));
            assertThat(row.ttftMs()).isBetween(0.0, row.latencyMs());
        }
    }

    @Test
    void a_client_error_is_answered_as_before_and_an_unknown_model_is_recorded_as_a_failure() {
        try (TestGateway gw = TestGateway.embedded()) {
            HttpResponse<String> r = gw.post("/chat/completions", TestGateway.chat("no-such-model", "hi", false));
            assertThat(r.statusCode()).isEqualTo(404);
            gw.gateway().ledger().flush();
            LedgerRecord row = gw.gateway().ledgerQuery().recent(1, LedgerQuery.Filter.ALL).getFirst();
            assertThat(row.status()).isEqualTo(404);
            assertThat(row.errorCode()).isEqualTo("model_not_found");
        }
    }
}
