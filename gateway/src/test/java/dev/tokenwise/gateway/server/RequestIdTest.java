package dev.tokenwise.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdTest {
    @Test
    void ids_sort_by_time_and_do_not_repeat() {
        Instant t = Instant.parse("2026-11-28T10:00:00Z");
        String earlier = GatewayServer.requestId(t);
        String later = GatewayServer.requestId(t.plusMillis(1));
        assertThat(earlier).matches("req_[0-9a-f]{32}");
        assertThat(later.compareTo(earlier)).as("a later request's id sorts after, so the ledger's key index appends").isPositive();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) assertThat(seen.add(GatewayServer.requestId(t))).isTrue();
    }
}
