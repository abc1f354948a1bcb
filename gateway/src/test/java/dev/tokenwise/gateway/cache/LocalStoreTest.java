package dev.tokenwise.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalStoreTest {
    private final AtomicLong nanos = new AtomicLong();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void an_entry_expires_after_its_ttl_on_the_injected_ticker() {
        LocalStore store = new LocalStore(100, 1 << 20, nanos::get);
        store.put("k", b("answer"), Duration.ofSeconds(60));
        nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(store.get("k")).isPresent();
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(store.get("k")).isEmpty();
    }

    @Test
    void each_entry_keeps_its_own_ttl() {
        LocalStore store = new LocalStore(100, 1 << 20, nanos::get);
        store.put("short", b("a"), Duration.ofSeconds(10));
        store.put("long", b("b"), Duration.ofSeconds(1000));
        nanos.addAndGet(Duration.ofSeconds(11).toNanos());
        assertThat(store.get("short")).isEmpty();
        assertThat(store.get("long")).isPresent();
    }

    @Test
    void the_store_is_bounded_in_entries() {
        LocalStore store = new LocalStore(10, 1 << 20, nanos::get);
        for (int i = 0; i < 100; i++) store.put("k" + i, b("v"), Duration.ofHours(1));
        assertThat(store.size()).isLessThanOrEqualTo(10);
    }

    @Test
    void the_store_is_bounded_in_bytes() {
        LocalStore store = new LocalStore(1_000_000, 64 * 1024, nanos::get);
        byte[] big = new byte[4096];
        for (int i = 0; i < 100; i++) store.put("k" + i, big, Duration.ofHours(1));
        assertThat(store.size()).isLessThanOrEqualTo(16);
    }
}
