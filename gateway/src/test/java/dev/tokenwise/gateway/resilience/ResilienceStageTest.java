package dev.tokenwise.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.config.ResilienceConfig;
import dev.tokenwise.gateway.pipeline.ChunkSink;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Pipeline;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class ResilienceStageTest {
    private final List<Long> sleeps = new ArrayList<>();
    private final List<String> calledModels = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

    /** A terminal stage that plays a script of outcomes: null = answer, else throw the exception. */
    private Stage scripted(Deque<GatewayException> script) {
        return (ex, next) -> {
            calledModels.add(ex.request().model());
            GatewayException e = script.isEmpty() ? null : script.poll();
            if (e != null) throw e;
            ChatResponse r = ChatResponse.of("id", ex.request().model(), 0, "ok", "stop", Usage.counted(5, 1));
            return Reply.fromProvider(r, new UpstreamCall(ex.request().model(), "mock", Usage.counted(5, 1), 0));
        };
    }

    private Reply run(ResilienceConfig cfg, Deque<GatewayException> script, ChunkSink sink) {
        ResilienceStage stage = new ResilienceStage(cfg, new CircuitBreaker(cfg.breakerFailures(), cfg.breakerOpenMs(), clock),
                sleeps::add, RandomGenerator.of("L64X128MixRandom"));
        return new Pipeline(List.of(stage, scripted(script))).execute(exchange(sink));
    }

    private static Exchange exchange(ChunkSink sink) {
        ChatRequest req = ChatRequest.parse(Json.bytes(Json.parse("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));
        return Exchange.create("r1", Instant.EPOCH, 0, req, Map.of(), sink);
    }

    private static GatewayException status(int status) {
        return GatewayException.builder(status, "upstream said " + status).type("upstream_error").retryable(status == 429 || status >= 500).build();
    }

    private static Deque<GatewayException> script(GatewayException... e) {
        return new java.util.LinkedList<>(java.util.Arrays.asList(e));
    }

    @Test
    void a_500_then_success_is_retried_transparently_and_recorded_on_the_reply() {
        Reply r = run(new ResilienceConfig(2, 100, 1000, null, 5, 30_000), script(status(500)), ChunkSink.NONE);
        assertThat(r.response().text()).isEqualTo("ok");
        assertThat(calledModels).containsExactly("gpt-4o", "gpt-4o");
        assertThat(r.applied()).extracting(a -> a.strategy()).containsExactly("retry");
        assertThat(sleeps).hasSize(1).allMatch(s -> s >= 0 && s <= 100);
    }

    @Test
    void retry_after_is_honoured_up_to_the_backoff_cap() {
        GatewayException limited = GatewayException.builder(429, "slow down").type("rate_limit_error").retryable(true).retryAfterMillis(700).build();
        run(new ResilienceConfig(2, 10, 5000, null, 5, 30_000), script(limited), ChunkSink.NONE);
        assertThat(sleeps).containsExactly(700L);
        sleeps.clear();
        GatewayException huge = limited.toBuilder().retryAfterMillis(60_000).build();
        run(new ResilienceConfig(2, 10, 2000, null, 5, 30_000), script(huge), ChunkSink.NONE);
        assertThat(sleeps).containsExactly(2000L);
    }

    @Test
    void a_client_error_is_never_retried() {
        GatewayException bad = GatewayException.invalidRequest("bad", "messages");
        assertThatThrownBy(() -> run(ResilienceConfig.defaults(), script(bad), ChunkSink.NONE)).isSameAs(bad);
        assertThat(calledModels).hasSize(1);
    }

    @Test
    void after_retries_are_exhausted_the_fallback_chain_answers() {
        ResilienceConfig cfg = new ResilienceConfig(1, 1, 10, Map.of("gpt-4o", List.of("claude-3-5-sonnet")), 5, 30_000);
        Reply r = run(cfg, script(status(502), status(503)), ChunkSink.NONE);
        assertThat(calledModels).containsExactly("gpt-4o", "gpt-4o", "claude-3-5-sonnet");
        assertThat(r.servedModel()).isEqualTo("claude-3-5-sonnet");
        assertThat(r.applied()).extracting(a -> a.strategy() + ":" + a.detail())
                .containsExactly("retry:1 retry", "fallback:gpt-4o -> claude-3-5-sonnet");
    }

    @Test
    void when_every_model_fails_the_last_upstream_error_reaches_the_client() {
        ResilienceConfig cfg = new ResilienceConfig(0, 1, 10, Map.of("gpt-4o", List.of("gpt-4o-mini")), 5, 30_000);
        GatewayException second = status(504);
        assertThatThrownBy(() -> run(cfg, script(status(502), second), ChunkSink.NONE)).isSameAs(second);
    }

    @Test
    void a_timeout_is_not_waited_out_again_but_goes_to_the_fallback() {
        ResilienceConfig cfg = new ResilienceConfig(3, 1, 10, Map.of("gpt-4o", List.of("gpt-4o-mini")), 5, 30_000);
        Reply r = run(cfg, script(status(504)), ChunkSink.NONE);
        assertThat(calledModels).containsExactly("gpt-4o", "gpt-4o-mini");
        assertThat(sleeps).isEmpty();
        assertThat(r.servedModel()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void a_stream_that_already_sent_bytes_is_not_retried() {
        ChunkSink started = new ChunkSink() {
            @Override public void send(ObjectNode chunk) {}
            @Override public boolean cancelled() { return false; }
            @Override public boolean started() { return true; }
        };
        GatewayException mid = status(502);
        assertThatThrownBy(() -> run(ResilienceConfig.defaults(), script(mid), started)).isSameAs(mid);
        assertThat(calledModels).hasSize(1);
    }

    @Test
    void an_open_circuit_skips_the_failing_model_without_calling_it() {
        ResilienceConfig cfg = new ResilienceConfig(0, 1, 10, Map.of("gpt-4o", List.of("gpt-4o-mini")), 2, 30_000);
        ResilienceStage stage = new ResilienceStage(cfg, new CircuitBreaker(2, 30_000, clock), sleeps::add, RandomGenerator.of("L64X128MixRandom"));
        Deque<GatewayException> s = script(status(500), null, status(500), null);
        Pipeline p = new Pipeline(List.of(stage, scripted(s)));
        p.execute(exchange(ChunkSink.NONE));
        p.execute(exchange(ChunkSink.NONE));
        assertThat(stage.breaker().state("gpt-4o")).isEqualTo(CircuitBreaker.State.OPEN);
        calledModels.clear();
        Reply r = p.execute(exchange(ChunkSink.NONE));
        assertThat(calledModels).containsExactly("gpt-4o-mini");
        assertThat(r.servedModel()).isEqualTo("gpt-4o-mini");
        now.addAndGet(30_000);
        assertThat(stage.breaker().state("gpt-4o")).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        calledModels.clear();
        p.execute(exchange(ChunkSink.NONE));
        assertThat(calledModels).containsExactly("gpt-4o");
        assertThat(stage.breaker().state("gpt-4o")).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void backoff_grows_exponentially_with_full_jitter_under_the_cap() {
        ResilienceStage stage = new ResilienceStage(new ResilienceConfig(5, 100, 1000, null, 5, 1), null, sleeps::add,
                RandomGenerator.of("L64X128MixRandom"));
        for (int attempt = 0; attempt < 8; attempt++) {
            long cap = Math.min(1000, 100L << attempt);
            for (int i = 0; i < 200; i++) assertThat(stage.delay(attempt, -1)).isBetween(0L, cap);
        }
    }
}
