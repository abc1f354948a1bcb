package dev.tokenwise.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.testing.MutableClock;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyStoreTest {
    @TempDir Path dir;

    private Keys open() {
        GatewayConfig c = GatewayConfig.embeddedDefault();
        return Keys.open(c.withServer(c.server().withDataDir(dir.toString())), InstantSource.fixed(Instant.parse("2026-03-01T10:00:00Z")));
    }

    @Test
    void a_created_key_authenticates_and_only_its_hash_is_stored() throws Exception {
        String secret;
        try (Keys keys = open()) {
            assertThat(keys.store().hasKeys()).isFalse();
            KeyStore.Created c = keys.store().create("checkout", "acme", new BigDecimal("5.00"), BudgetPeriod.DAY);
            secret = c.secret();
            assertThat(secret).startsWith("tw-" + c.key().id() + "-").hasSizeGreaterThan(50);
            assertThat(keys.store().hasKeys()).isTrue();
            ApiKey k = keys.store().authenticate(secret).orElseThrow();
            assertThat(k.name()).isEqualTo("checkout");
            assertThat(k.tenant()).isEqualTo("acme");
            assertThat(k.budgetUsd()).isEqualByComparingTo("5");
            assertThat(k.period()).isEqualTo(BudgetPeriod.DAY);
        }
        byte[] db = Files.readAllBytes(dir.resolve("keys.db"));
        String content = new String(db, java.nio.charset.StandardCharsets.ISO_8859_1);
        String randomPart = secret.substring(secret.lastIndexOf('-') + 1);
        assertThat(content).doesNotContain(randomPart).contains(KeySecrets.hashHex(secret));
    }

    @Test
    void a_secret_with_a_known_id_but_wrong_random_part_is_rejected() {
        try (Keys keys = open()) {
            KeyStore.Created c = keys.store().create("a", null, null, null);
            String forged = "tw-" + c.key().id() + "-" + "A".repeat(43);
            assertThat(keys.store().authenticate(forged)).isEmpty();
            assertThat(keys.store().authenticate("sk-openai-style-key")).isEmpty();
            assertThat(keys.store().authenticate("tw-")).isEmpty();
            assertThat(keys.store().authenticate(c.secret())).isPresent();
        }
    }

    @Test
    void only_a_well_formed_id_is_looked_up() {
        assertThat(KeySecrets.idOf("tw-k0123456789ab-secret")).isEqualTo("k0123456789ab");
        assertThat(KeySecrets.idOf("tw-k0123456789AB-secret")).isNull();
        assertThat(KeySecrets.idOf("tw-k0123456789a-secret")).isNull();
        assertThat(KeySecrets.idOf("tw-x0123456789ab-secret")).isNull();
        assertThat(KeySecrets.idOf("tw-k0123456789ab-")).isNull();
        assertThat(KeySecrets.idOf(null)).isNull();
    }

    @Test
    void revoking_marks_the_key_and_list_shows_it() {
        try (Keys keys = open()) {
            KeyStore.Created c = keys.store().create("a", null, BigDecimal.ONE, BudgetPeriod.MONTH);
            assertThat(keys.store().revoke(c.key().id())).isTrue();
            assertThat(keys.store().revoke("k000000000000")).isFalse();
            assertThat(keys.store().authenticate(c.secret()).orElseThrow().revoked()).isTrue();
            assertThat(keys.store().list()).singleElement().satisfies(k -> assertThat(k.revokedAt()).isNotNull());
        }
    }

    @Test
    void a_key_revoked_through_the_same_store_stops_working_at_once() {
        try (Keys keys = open()) {
            KeyStore.Created c = keys.store().create("a", null, null, null);
            assertThat(keys.store().authenticate(c.secret()).orElseThrow().revoked()).isFalse();
            keys.store().revoke(c.key().id());
            assertThat(keys.store().authenticate(c.secret()).orElseThrow().revoked()).isTrue();
        }
    }

    @Test
    void a_key_revoked_by_another_process_is_trusted_until_the_auth_cache_expires_and_no_longer() {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
        String url = "jdbc:sqlite:" + dir.resolve("shared.db");
        Duration ttl = Duration.ofMillis(5_000);
        try (JdbcKeyStore gateway = JdbcKeyStore.open(url, clock, ttl); JdbcKeyStore admin = JdbcKeyStore.open(url, clock, ttl)) {
            KeyStore.Created c = admin.create("a", null, null, null);
            assertThat(gateway.authenticate(c.secret()).orElseThrow().revoked()).isFalse();
            admin.revoke(c.key().id());
            // the gateway answers from memory: the row it would read says revoked
            assertThat(gateway.authenticate(c.secret()).orElseThrow().revoked()).isFalse();
            clock.advance(ttl.minusMillis(1));
            assertThat(gateway.authenticate(c.secret()).orElseThrow().revoked()).isFalse();
            clock.advance(Duration.ofMillis(1));
            assertThat(gateway.authenticate(c.secret()).orElseThrow().revoked()).isTrue();
            // a wrong secret for a known id is refused from memory too
            assertThat(gateway.authenticate("tw-" + c.key().id() + "-" + "A".repeat(43))).isEmpty();
        }
    }

    @Test
    void with_the_auth_cache_off_every_request_reads_the_store() {
        InstantSource clock = InstantSource.fixed(Instant.parse("2026-03-01T10:00:00Z"));
        String url = "jdbc:sqlite:" + dir.resolve("shared.db");
        try (JdbcKeyStore gateway = JdbcKeyStore.open(url, clock, Duration.ZERO);
             JdbcKeyStore admin = JdbcKeyStore.open(url, clock, Duration.ZERO)) {
            KeyStore.Created c = admin.create("a", null, null, null);
            assertThat(gateway.authenticate(c.secret()).orElseThrow().revoked()).isFalse();
            admin.revoke(c.key().id());
            assertThat(gateway.authenticate(c.secret()).orElseThrow().revoked()).isTrue();
        }
    }

    @Test
    void an_unknown_or_wrong_secret_is_not_remembered_so_a_key_created_elsewhere_works_at_once() {
        InstantSource clock = InstantSource.fixed(Instant.parse("2026-03-01T10:00:00Z"));
        Duration ttl = Duration.ofSeconds(30);
        String secret;
        // the same seed gives the same id and secret: learn the secret the admin store will create
        try (JdbcKeyStore scratch = new JdbcKeyStore("jdbc:sqlite:" + dir.resolve("scratch.db"), clock, new Random(7), ttl)) {
            secret = scratch.create("a", null, null, null).secret();
        }
        String url = "jdbc:sqlite:" + dir.resolve("shared.db");
        try (JdbcKeyStore gateway = JdbcKeyStore.open(url, clock, ttl);
             JdbcKeyStore admin = new JdbcKeyStore(url, clock, new Random(7), ttl)) {
            assertThat(gateway.authenticate(secret)).isEmpty();
            KeyStore.Created c = admin.create("a", null, null, null);
            assertThat(c.secret()).isEqualTo(secret);
            String wrong = "tw-" + c.key().id() + "-" + "A".repeat(43);
            assertThat(gateway.authenticate(wrong)).isEmpty();
            assertThat(gateway.authenticate(secret)).isPresent();
        }
    }

    @Test
    void a_reservation_that_does_not_fit_changes_nothing() {
        try (Keys keys = open()) {
            BudgetLedger l = keys.budgets();
            assertThat(l.reserve("k1", "2026-03", 100, 60)).isTrue();
            assertThat(l.reserve("k1", "2026-03", 100, 41)).isFalse();
            assertThat(l.reserve("k1", "2026-03", 100, 40)).isTrue();
            assertThat(l.balance("k1", "2026-03")).isEqualTo(new BudgetLedger.Balance(0, 100));
            l.settle("k1", "2026-03", 60, 25);
            l.settle("k1", "2026-03", 40, 0);
            assertThat(l.balance("k1", "2026-03")).isEqualTo(new BudgetLedger.Balance(25, 0));
            assertThat(l.reserve("k1", "2026-04", 100, 100)).isTrue();
        }
    }

    @Test
    void periods_are_utc_days_and_months() {
        Instant t = Instant.parse("2026-01-31T23:59:59Z");
        assertThat(BudgetPeriod.DAY.bucket(t)).isEqualTo("2026-01-31");
        assertThat(BudgetPeriod.MONTH.bucket(t)).isEqualTo("2026-01");
        assertThat(BudgetPeriod.DAY.end(t)).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
        assertThat(BudgetPeriod.MONTH.end(t)).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
        assertThat(BudgetPeriod.MONTH.bucket(t.plusSeconds(1))).isEqualTo("2026-02");
    }
}
