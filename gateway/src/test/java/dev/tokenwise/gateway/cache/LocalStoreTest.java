package dev.tokenwise.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalStoreTest {
    private final AtomicLong nanos = new AtomicLong();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(Optional<byte[]> v) {
        return v.map(x -> new String(x, StandardCharsets.UTF_8)).orElse(null);
    }

    @Test
    void an_entry_expires_after_its_ttl_on_the_injected_ticker() {
        LocalStore store = new LocalStore(100, 1 << 20, nanos::get);
        store.put("k", b("answer"), Duration.ofSeconds(60));
        nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(s(store.get("k"))).isEqualTo("answer");
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(store.get("k")).isEmpty();
        assertThat(store.size()).isZero();
    }

    @Test
    void each_entry_keeps_its_own_ttl() {
        LocalStore store = new LocalStore(100, 1 << 20, nanos::get);
        store.put("short", b("a"), Duration.ofSeconds(10));
        store.put("long", b("b"), Duration.ofSeconds(1000));
        nanos.addAndGet(Duration.ofSeconds(11).toNanos());
        assertThat(store.get("short")).isEmpty();
        assertThat(s(store.get("long"))).isEqualTo("b");
    }

    @Test
    void a_new_answer_replaces_the_old_one_without_counting_twice() {
        LocalStore store = new LocalStore(100, 1 << 20, nanos::get);
        store.put("k", b("first"), Duration.ofHours(1));
        store.put("k", b("second, longer than the first"), Duration.ofHours(1));
        assertThat(s(store.get("k"))).isEqualTo("second, longer than the first");
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void the_store_is_bounded_in_entries_and_keeps_the_newest() {
        LocalStore store = new LocalStore(10, 1 << 20, nanos::get);
        for (int i = 0; i < 100; i++) store.put("k" + i, b("v" + i), Duration.ofHours(1));
        assertThat(store.size()).isEqualTo(10);
        for (int i = 90; i < 100; i++) assertThat(s(store.get("k" + i))).isEqualTo("v" + i);
        assertThat(store.get("k89")).isEmpty();
    }

    @Test
    void the_store_is_bounded_in_bytes_and_keeps_the_newest() {
        LocalStore store = new LocalStore(1_000_000, 64 * 1024, nanos::get);
        byte[] big = new byte[4096];
        for (int i = 0; i < 100; i++) {
            big[0] = (byte) i;
            store.put("k" + i, big, Duration.ofHours(1));
        }
        assertThat(store.size()).isBetween(1L, 16L);
        assertThat(store.get("k99")).hasValueSatisfying(v -> assertThat(v[0]).isEqualTo((byte) 99));
    }

    @Test
    void an_answer_larger_than_a_segment_is_not_kept_and_drops_the_older_answer() {
        LocalStore store = new LocalStore(100, 1 << 20, nanos::get);
        store.put("k", b("small"), Duration.ofHours(1));
        store.put("k", new byte[(1 << 20) + 1], Duration.ofHours(1));
        assertThat(store.get("k")).isEmpty();
        assertThat(store.size()).isZero();
    }

    @Test
    void an_answer_read_while_among_the_oldest_gets_a_second_chance() {
        // 16 MiB in 64 segments of 256 KiB: the ring turns over many times below
        LocalStore store = new LocalStore(1_000_000, 16L << 20, nanos::get);
        byte[] filler = new byte[1000];
        store.put("hot", b("hot answer"), Duration.ofHours(1));
        store.put("cold", b("cold answer"), Duration.ofHours(1));
        for (int i = 0; i < 100_000; i++) {
            store.put("filler" + i, filler, Duration.ofHours(1));
            if (i % 1000 == 0) assertThat(s(store.get("hot"))).isEqualTo("hot answer");
        }
        assertThat(s(store.get("hot"))).isEqualTo("hot answer");
        assertThat(store.get("cold")).isEmpty();
    }

    /**
     * Random puts and reads against a plain map: a read returns the last answer put for that key or
     * nothing, never another key's or an older one; the newest entries are all there. Small tables
     * and short segments make probe runs, backward-shift deletions and ring turns frequent.
     */
    @Test
    void random_operations_never_return_a_wrong_or_stale_answer() {
        randomOperations(LocalStore::hash);
    }

    /** The same with keys whose hashes collide all the time: only the full key decides a hit. */
    @Test
    void colliding_hashes_never_return_another_keys_answer() {
        randomOperations(k -> k.length % 3);
    }

    private void randomOperations(java.util.function.ToLongFunction<byte[]> hash) {
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            int maxEntries = 1 + random.nextInt(200);
            LocalStore store = new LocalStore(maxEntries, 1024 + random.nextInt(64 * 1024), nanos::get, hash);
            Map<String, String> last = new HashMap<>();
            List<String> order = new ArrayList<>();
            for (int op = 0; op < 20_000; op++) {
                String key = "key-" + random.nextInt(maxEntries * 3);
                if (random.nextInt(3) == 0) {
                    String got = s(store.get(key));
                    if (got != null) assertThat(got).isEqualTo(last.get(key));
                } else {
                    String value = key + "#" + op + "x".repeat(random.nextInt(300));
                    store.put(key, b(value), Duration.ofHours(1));
                    last.put(key, value);
                    order.add(key);
                }
                assertThat(store.size()).isLessThanOrEqualTo(maxEntries);
            }
            // the key written last is always kept
            String newest = order.get(order.size() - 1);
            assertThat(s(store.get(newest))).isEqualTo(last.get(newest));
        }
    }

    @Test
    void concurrent_puts_and_reads_only_ever_see_their_own_keys_answers() throws Exception {
        LocalStore store = new LocalStore(5_000, 1 << 20, nanos::get);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    int hits = 0;
                    for (int i = 0; i < 50_000; i++) {
                        String key = "k" + random.nextInt(20_000);
                        if (random.nextBoolean()) {
                            store.put(key, b(key + "=" + "v".repeat(random.nextInt(200))), Duration.ofHours(1));
                        } else {
                            String got = s(store.get(key));
                            if (got != null) {
                                assertThat(got).startsWith(key + "=");
                                hits++;
                            }
                        }
                    }
                    return hits;
                }));
            }
            int hits = 0;
            for (Future<Integer> f : results) hits += f.get();
            assertThat(hits).isPositive();
            assertThat(store.size()).isLessThanOrEqualTo(5_000);
        } finally {
            pool.shutdownNow();
        }
    }
}
