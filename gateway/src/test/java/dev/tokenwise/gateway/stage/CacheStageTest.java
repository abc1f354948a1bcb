package dev.tokenwise.gateway.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.cache.CacheConfig;
import dev.tokenwise.gateway.cache.ResponseCache;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Principal;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CacheStageTest {
    private final ResponseCache cache = ResponseCache.from(CacheConfig.exactOnly(), Path.of("."), System::nanoTime);
    private final CacheStage stage = new CacheStage(cache, InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z")));
    private final AtomicInteger upstreamCalls = new AtomicInteger();
    private String finishReason = "stop";

    private final Stage.Chain upstream = ex -> {
        int n = upstreamCalls.incrementAndGet();
        ChatResponse r = ChatResponse.of("chatcmpl-up" + n, "gpt-4o", 1, "answer " + n + " for " + ex.principal().tenant(),
                finishReason, new Usage(10, 0, 0, 5, true));
        return Reply.fromProvider(r, new UpstreamCall("gpt-4o", "mock", r.usage(), 1000));
    };

    @AfterEach
    void close() {
        cache.close();
    }

    private static Exchange exchange(String tenant, String body, Map<String, String> headers) {
        ChatRequest r = ChatRequest.parse(body.getBytes(StandardCharsets.UTF_8));
        return Exchange.create("req", Instant.EPOCH, 0, r, headers, null)
                .withPrincipal(new Principal("key-" + tenant, "key-" + tenant, tenant));
    }

    private static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"What are your opening hours?\"}]}";

    @Test
    void a_repeated_request_is_answered_from_cache_without_an_upstream_call() {
        Reply first = stage.handle(exchange("acme", BODY, Map.of()), upstream);
        Exchange second = exchange("acme", BODY, Map.of());
        Reply hit = stage.handle(second, upstream);
        assertThat(upstreamCalls).hasValue(1);
        assertThat(first.cacheStatus()).isEqualTo("miss");
        assertThat(hit.cacheStatus()).isEqualTo("hit-exact");
        assertThat(hit.calls()).isEmpty();
        assertThat(hit.provider()).isEqualTo("cache");
        assertThat(hit.servedModel()).isEqualTo("gpt-4o");
        assertThat(hit.applied()).extracting(Applied::strategy).containsExactly(Applied.CACHE_EXACT);
        assertThat(hit.response().text()).isEqualTo(first.response().text());
        assertThat(hit.response().id()).isNotEqualTo(first.response().id());
        assertThat(second.responseHeaders()).containsEntry("x-tokenwise-cache", "hit-exact");
    }

    @Test
    void the_same_prompt_from_two_tenants_never_shares_an_entry() {
        Reply acme = stage.handle(exchange("acme", BODY, Map.of()), upstream);
        Reply globex = stage.handle(exchange("globex", BODY, Map.of()), upstream);
        assertThat(upstreamCalls).hasValue(2);
        assertThat(globex.cacheStatus()).isEqualTo("miss");
        assertThat(globex.response().text()).contains("globex").doesNotContain("acme");
        assertThat(stage.handle(exchange("acme", BODY, Map.of()), upstream).response().text()).isEqualTo(acme.response().text());
    }

    @Test
    void cache_control_no_store_and_the_off_header_bypass_the_cache() {
        stage.handle(exchange("acme", BODY, Map.of()), upstream);
        Exchange noStore = exchange("acme", BODY, Map.of("Cache-Control", "no-store"));
        assertThat(stage.handle(noStore, upstream).cacheStatus()).isEqualTo("bypass");
        assertThat(noStore.responseHeaders()).containsEntry("x-tokenwise-cache", "bypass");
        Exchange off = exchange("acme", BODY, Map.of("x-tokenwise-cache", "off"));
        assertThat(stage.handle(off, upstream).cacheStatus()).isEqualTo("bypass");
        assertThat(upstreamCalls).hasValue(3);
    }

    @Test
    void a_high_temperature_request_is_not_cached() {
        String hot = BODY.replace("}]}", "}],\"temperature\":1.5}");
        assertThat(stage.handle(exchange("acme", hot, Map.of()), upstream).cacheStatus()).isEqualTo("bypass");
        assertThat(stage.handle(exchange("acme", hot, Map.of()), upstream).cacheStatus()).isEqualTo("bypass");
        assertThat(upstreamCalls).hasValue(2);
    }

    @Test
    void a_request_with_tools_is_not_cached_unless_tools_are_declared_side_effect_free() {
        String tools = BODY.replace("}]}", "}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"refund\"}}]}");
        stage.handle(exchange("acme", tools, Map.of()), upstream);
        assertThat(stage.handle(exchange("acme", tools, Map.of()), upstream).cacheStatus()).isEqualTo("bypass");
        assertThat(upstreamCalls).hasValue(2);
    }

    @Test
    void an_answer_cut_by_the_content_filter_is_not_stored() {
        finishReason = "content_filter";
        stage.handle(exchange("acme", BODY, Map.of()), upstream);
        assertThat(stage.handle(exchange("acme", BODY, Map.of()), upstream).cacheStatus()).isEqualTo("miss");
        assertThat(upstreamCalls).hasValue(2);
    }

    @Test
    void a_route_can_turn_the_cache_off() {
        CacheConfig cfg = new CacheConfig(true, null, null, null, null, null, null, null, null, null, null,
                Map.of("checkout", new CacheConfig.Route(false, false, null, null, null, null)), null);
        try (ResponseCache c = ResponseCache.from(cfg, Path.of("."), System::nanoTime)) {
            CacheStage s = new CacheStage(c, InstantSource.system());
            Map<String, String> h = Map.of("x-tokenwise-feature", "checkout");
            s.handle(exchange("acme", BODY, h), upstream);
            Exchange second = exchange("acme", BODY, h);
            assertThat(s.handle(second, upstream).cacheStatus()).isEqualTo("miss");
            assertThat(second.responseHeaders()).doesNotContainKey("x-tokenwise-cache");
            assertThat(upstreamCalls).hasValue(2);
        }
    }
}
