package dev.tokenwise.gateway.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.keys.BudgetLedger;
import dev.tokenwise.gateway.keys.BudgetPeriod;
import dev.tokenwise.gateway.keys.KeyStore;
import dev.tokenwise.gateway.keys.Keys;
import dev.tokenwise.gateway.pipeline.ChunkSink;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Principal;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a failed call leaves in the budget: nothing, unless a stream had already delivered output. */
class BudgetSettlementTest {
    private static final Instant NOW = Instant.parse("2026-04-02T12:00:00Z");
    @TempDir Path dir;

    private static ChunkSink sink(boolean started) {
        return new ChunkSink() {
            @Override public void send(ObjectNode chunk) {}
            @Override public boolean cancelled() { return false; }
            @Override public boolean started() { return started; }
        };
    }

    private long afterFailure(boolean streamStarted) {
        GatewayConfig c = GatewayConfig.embeddedDefault();
        c = c.withServer(c.server().withDataDir(dir.resolve(streamStarted ? "a" : "b").toString()));
        try (Keys keys = Keys.open(c, InstantSource.fixed(NOW))) {
            KeyStore.Created k = keys.store().create("k", null, BigDecimal.ONE, BudgetPeriod.DAY);
            BudgetStage stage = new BudgetStage(keys.store(), keys.budgets(), PriceCatalog.bundled(), InstantSource.fixed(NOW),
                    c.keys(), c.models().keySet());
            ChatRequest req = ChatRequest.parse(("{\"model\":\"gpt-4o\",\"max_tokens\":100,\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}").getBytes(StandardCharsets.UTF_8));
            Exchange ex = Exchange.create("r1", NOW, 0, req, Map.of(), sink(streamStarted))
                    .withPrincipal(new Principal(k.key().id(), "k", "default"));
            assertThatThrownBy(() -> stage.handle(ex, e -> {
                throw GatewayException.upstream("mock", "upstream failed mid-stream", null);
            })).isInstanceOf(GatewayException.class);
            BudgetLedger.Balance b = keys.budgets().balance(k.key().id(), "2026-04-02");
            assertThat(b.reservedNanos()).isZero();
            long worst = BudgetStage.toNanos(stage.worstCase(req));
            assertThat(worst).isPositive();
            return b.spentNanos() == 0 ? 0 : b.spentNanos() / worst;
        }
    }

    @Test
    void a_call_that_failed_before_any_output_releases_its_reservation() {
        assertThat(afterFailure(false)).isZero();
    }

    @Test
    void a_stream_that_failed_after_output_reached_the_client_is_charged_its_reservation() {
        assertThat(afterFailure(true)).isEqualTo(1);
    }

    @Test
    void the_worst_case_is_the_counted_prompt_plus_the_output_cap_at_list_prices() {
        GatewayConfig c = GatewayConfig.embeddedDefault();
        c = c.withServer(c.server().withDataDir(dir.resolve("c").toString()));
        try (Keys keys = Keys.open(c, InstantSource.fixed(NOW))) {
            BudgetStage stage = new BudgetStage(keys.store(), keys.budgets(), PriceCatalog.bundled(), InstantSource.fixed(NOW),
                    c.keys(), List.of("gpt-4o", "claude-3-5-sonnet"));
            ChatRequest gpt = ChatRequest.parse(Json.write(Json.parse(
                    "{\"model\":\"gpt-4o\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}"))
                    .getBytes(StandardCharsets.UTF_8));
            // prompt: 3 + "user"(1) + "hello"(1) + 3 = 8 tokens; 8 × $2.50 + 1000 × $10.00 per 1M
            assertThat(stage.worstCase(gpt)).isEqualByComparingTo("0.01002");
            ChatRequest unknown = ChatRequest.parse(Json.write(Json.parse(
                    "{\"model\":\"house-model\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}"))
                    .getBytes(StandardCharsets.UTF_8));
            // unpriced model: the dearest configured prices (claude-3-5-sonnet: cache write 3.75 in, 15 out),
            // estimated count 8 × 1.3 = 10.4 tokens
            assertThat(stage.worstCase(unknown)).isEqualByComparingTo(new BigDecimal("10.4").multiply(new BigDecimal("3.75"))
                    .add(new BigDecimal("15000")).movePointLeft(6));
        }
    }
}
