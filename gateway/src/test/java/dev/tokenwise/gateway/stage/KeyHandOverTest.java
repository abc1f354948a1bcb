package dev.tokenwise.gateway.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.gateway.config.KeysConfig;
import dev.tokenwise.gateway.keys.ApiKey;
import dev.tokenwise.gateway.keys.BudgetLedger;
import dev.tokenwise.gateway.keys.BudgetPeriod;
import dev.tokenwise.gateway.keys.KeyStore;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Pipeline;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The key is read once per request: the budget stage takes the key the auth stage authenticated. */
class KeyHandOverTest {
    private static final Instant NOW = Instant.parse("2026-11-28T00:00:00Z");
    private static final ApiKey KEY = new ApiKey("k1", "app", "acme", new BigDecimal("10"), BudgetPeriod.MONTH, NOW, null);

    /** A store holding {@link #KEY} that counts how often a key is looked up. */
    private static final class CountingStore implements KeyStore {
        final AtomicInteger reads = new AtomicInteger();

        @Override public Created create(String name, String tenant, BigDecimal budgetUsd, BudgetPeriod period) {
            throw new UnsupportedOperationException();
        }
        @Override public List<ApiKey> list() { return List.of(KEY); }
        @Override public Optional<ApiKey> find(String id) {
            reads.incrementAndGet();
            return Optional.of(KEY).filter(k -> k.id().equals(id));
        }
        @Override public boolean revoke(String id) { return false; }
        @Override public Optional<ApiKey> authenticate(String secret) {
            reads.incrementAndGet();
            return secret.equals("tw-secret") ? Optional.of(KEY) : Optional.empty();
        }
        @Override public boolean hasKeys() { return true; }
    }

    /** A ledger that always has room and remembers the last reservation. */
    private static final class OpenLedger implements BudgetLedger {
        final AtomicInteger reservations = new AtomicInteger();

        @Override public boolean reserve(String keyId, String period, long limitNanos, long amountNanos) {
            reservations.incrementAndGet();
            return true;
        }
        @Override public void settle(String keyId, String period, long reservedNanos, long actualNanos) { }
        @Override public Balance balance(String keyId, String period) { return Balance.EMPTY; }
    }

    private static Exchange request(String authorization) {
        byte[] body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.UTF_8);
        return Exchange.create("req_1", NOW, 0, ChatRequest.parse(body), Map.of("authorization", authorization), null);
    }

    private static final Stage ANSWER = (ex, next) -> new Reply(null, "gpt-4o", "mock", "miss", List.of(), List.of());

    @Test
    void the_budget_stage_uses_the_key_the_auth_stage_read_instead_of_reading_it_again() {
        CountingStore store = new CountingStore();
        OpenLedger ledger = new OpenLedger();
        Pipeline p = new Pipeline(List.of(new AuthStage(store),
                new BudgetStage(store, ledger, PriceCatalog.bundled(), InstantSource.fixed(NOW), KeysConfig.defaults(), List.of("gpt-4o")),
                ANSWER));
        p.execute(request("Bearer tw-secret"));
        assertThat(store.reads.get()).as("key reads for one request").isEqualTo(1);
        assertThat(ledger.reservations.get()).as("the budget was still reserved").isEqualTo(1);
    }

    @Test
    void without_an_auth_stage_in_front_the_budget_stage_reads_the_key_itself() {
        CountingStore store = new CountingStore();
        OpenLedger ledger = new OpenLedger();
        Exchange ex = request("Bearer tw-secret").withPrincipal(new dev.tokenwise.gateway.pipeline.Principal("k1", "app", "acme"));
        new Pipeline(List.of(new BudgetStage(store, ledger, PriceCatalog.bundled(), InstantSource.fixed(NOW), KeysConfig.defaults(),
                List.of("gpt-4o")), ANSWER)).execute(ex);
        assertThat(store.reads.get()).isEqualTo(1);
        assertThat(ledger.reservations.get()).isEqualTo(1);
    }
}
