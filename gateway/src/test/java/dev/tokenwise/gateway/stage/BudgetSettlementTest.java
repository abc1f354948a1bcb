package dev.tokenwise.gateway.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.keys.BudgetLedger;
import dev.tokenwise.gateway.keys.BudgetPeriod;
import dev.tokenwise.gateway.keys.KeyStore;
import dev.tokenwise.gateway.keys.Keys;
import dev.tokenwise.gateway.pipeline.ChunkSink;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Principal;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
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

    /** The embedded default with its data under {@code sub}. */
    private GatewayConfig config(String sub) {
        GatewayConfig c = GatewayConfig.embeddedDefault();
        return c.withServer(c.server().withDataDir(dir.resolve(sub).toString()));
    }

    private static BudgetStage stage(Keys keys, GatewayConfig c, Collection<String> servedModels) {
        return new BudgetStage(keys.store(), keys.budgets(), PriceCatalog.bundled(), InstantSource.fixed(NOW), c.keys(), servedModels);
    }

    private long afterFailure(boolean streamStarted) {
        GatewayConfig c = config(streamStarted ? "a" : "b");
        try (Keys keys = Keys.open(c, InstantSource.fixed(NOW))) {
            KeyStore.Created k = keys.store().create("k", null, BigDecimal.ONE, BudgetPeriod.DAY);
            BudgetStage stage = stage(keys, c, c.models().keySet());
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
        GatewayConfig c = config("c");
        try (Keys keys = Keys.open(c, InstantSource.fixed(NOW))) {
            BudgetStage stage = stage(keys, c, List.of("gpt-4o", "claude-3-5-sonnet"));
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

    /** The reservation a budget of {@code budgetNanos} holds while the call runs, or -1 when it refuses the request. */
    private static long heldDuringCall(Keys keys, BudgetStage stage, ChatRequest req, long budgetNanos) {
        KeyStore.Created k = keys.store().create("k" + budgetNanos, null, BigDecimal.valueOf(budgetNanos).movePointLeft(9), BudgetPeriod.DAY);
        Exchange ex = Exchange.create("r", NOW, 0, req, Map.of(), ChunkSink.NONE)
                .withPrincipal(new Principal(k.key().id(), "k", "default"));
        long[] held = {-1};
        try {
            stage.handle(ex, e -> {
                held[0] = keys.budgets().balance(k.key().id(), "2026-04-02").reservedNanos();
                Usage u = Usage.counted(1, 1);
                return Reply.fromProvider(ChatResponse.of("id", "gpt-4o", 0, "ok", "stop", u), new UpstreamCall("gpt-4o", "mock", u, 0));
            });
        } catch (GatewayException e) {
            assertThat(e.code()).isEqualTo("budget_exceeded");
        }
        assertThat(keys.budgets().balance(k.key().id(), "2026-04-02").reservedNanos()).isZero();
        return held[0];
    }

    @Test
    void the_prompt_is_reserved_at_its_byte_bound_and_a_request_that_fits_only_by_its_count_is_still_admitted() {
        GatewayConfig c = config("d");
        try (Keys keys = Keys.open(c, InstantSource.fixed(NOW))) {
            BudgetStage stage = stage(keys, c, c.models().keySet());
            ChatRequest req = ChatRequest.parse(("{\"model\":\"gpt-4o\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"Summarise the reviews of product 42 in one line, then list three risks.\"}]}").getBytes(StandardCharsets.UTF_8));
            long counted = BudgetStage.toNanos(stage.worstCase(req));
            // with room to spare, the bound (bytes, more than the counted tokens) is held: no tokenizer ran
            assertThat(heldDuringCall(keys, stage, req, 1_000_000_000L)).isGreaterThan(counted);
            // a budget of exactly the counted worst case refuses the bound, then admits the count
            assertThat(heldDuringCall(keys, stage, req, counted)).isEqualTo(counted);
            assertThat(heldDuringCall(keys, stage, req, counted - 1)).isEqualTo(-1);
        }
    }
}
