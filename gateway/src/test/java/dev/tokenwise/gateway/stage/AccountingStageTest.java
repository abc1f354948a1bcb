package dev.tokenwise.gateway.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.ledger.Ledger;
import dev.tokenwise.gateway.ledger.LedgerRecord;
import dev.tokenwise.gateway.pipeline.Applied;
import dev.tokenwise.gateway.pipeline.Exchange;
import dev.tokenwise.gateway.pipeline.Pipeline;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.Stage;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AccountingStageTest {
    private final PriceCatalog current = PriceCatalog.bundled("current");
    private final RecordingLedger ledger = new RecordingLedger();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private static final class RecordingLedger implements Ledger {
        final List<LedgerRecord> records = new CopyOnWriteArrayList<>();
        @Override public void append(LedgerRecord r) { records.add(r); }
        @Override public void flush() {}
        @Override public void close() {}
    }

    private Exchange exchange(String model, String content) {
        var b = Json.object();
        b.put("model", model);
        b.putArray("messages").addObject().put("role", "user").put("content", content);
        return Exchange.create("req_1", Instant.parse("2025-01-01T00:00:00Z"), nanos.get(), new ChatRequest(b),
                Map.of("x-tokenwise-feature", "faq"), null);
    }

    private LedgerRecord run(Exchange ex, Stage... downstream) {
        Stage[] all = new Stage[downstream.length + 1];
        all[0] = new AccountingStage(current, ledger, nanos::get);
        System.arraycopy(downstream, 0, all, 1, downstream.length);
        new Pipeline(List.of(all)).execute(ex);
        assertThat(ledger.records).hasSize(1);
        return ledger.records.getFirst();
    }

    private static ChatResponse answer(String model, Usage usage) {
        return ChatResponse.of("chatcmpl-1", model, 1, "Nine to five.", "stop", usage);
    }

    /** A provider stand-in that answers with the given usage, as the model the request now names. */
    private static Stage provider(Usage usage) {
        return (ex, next) -> Reply.fromProvider(answer(ex.request().model(), usage),
                new UpstreamCall(ex.request().model(), "fake", usage, 5_000_000));
    }

    private static BigDecimal usd(String s) { return new BigDecimal(s); }

    @Test
    void openai_cached_tokens_are_priced_at_the_cached_input_rate_and_the_baseline_prices_them_as_plain_input() {
        Usage usage = Usage.fromOpenAi(Json.parse("""
                {"prompt_tokens":1000,"completion_tokens":100,"total_tokens":1100,
                 "prompt_tokens_details":{"cached_tokens":400}}"""));
        Exchange ex = exchange("gpt-4o", "What are your business hours?");
        LedgerRecord r = run(ex, provider(usage));
        // gpt-4o current: $2.50 in, $1.25 cached, $10 out per 1M
        assertThat(r.costUsd()).isEqualByComparingTo(usd("0.003"));      // 600*2.5 + 400*1.25 + 100*10
        assertThat(r.baselineUsd()).isEqualByComparingTo(usd("0.0035")); // 1000*2.5 + 100*10
        assertThat(r.savedUsd()).isEqualByComparingTo(usd("0.0005"));
        assertThat(r.cachedTokens()).isEqualTo(400);
        assertThat(r.inputTokens()).isEqualTo(1000);
        assertThat(r.outputTokens()).isEqualTo(100);
        assertThat(ex.responseHeaders()).containsEntry("x-tokenwise-cost-usd", "0.003")
                .containsEntry("x-tokenwise-baseline-usd", "0.0035").containsEntry("x-tokenwise-saved-usd", "0.0005")
                .containsEntry("x-tokenwise-served-model", "gpt-4o").containsEntry("x-tokenwise-cache", "miss");
        assertThat(r.feature()).isEqualTo("faq");
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void anthropic_cache_reads_and_writes_are_priced_at_their_own_rates() {
        // Anthropic's usage as normalised: input 500 + cache read 1000 + cache write 500, output 200
        Usage usage = new Usage(2000, 1000, 500, 200, true);
        LedgerRecord r = run(exchange("claude-3-5-sonnet", "Summarize our policy."), provider(usage));
        // claude-3-5-sonnet current: $3 in, $0.30 read, $3.75 write, $15 out
        assertThat(r.costUsd()).isEqualByComparingTo(usd("0.006675")); // 1500 + 300 + 1875 + 3000
        assertThat(r.baselineUsd()).isEqualByComparingTo(usd("0.009")); // 2000*3 + 200*15
        assertThat(r.savedUsd()).isEqualByComparingTo(usd("0.002325"));
    }

    @Test
    void a_cache_write_can_make_a_request_cost_more_than_its_baseline() {
        Usage usage = new Usage(2000, 0, 2000, 0, true);
        LedgerRecord r = run(exchange("claude-3-5-sonnet", "x"), provider(usage));
        assertThat(r.costUsd()).isEqualByComparingTo(usd("0.0075"));
        assertThat(r.baselineUsd()).isEqualByComparingTo(usd("0.006"));
        assertThat(r.savedUsd()).isEqualByComparingTo(usd("-0.0015"));
    }

    @Test
    void a_cascade_pays_for_both_calls_and_its_baseline_is_the_requested_model_once() {
        Exchange ex = exchange("gpt-4o", "Prove that sqrt(2) is irrational.");
        Usage weak = new Usage(120, 0, 0, 50, true);
        Usage strong = new Usage(120, 0, 0, 80, true);
        Stage cascade = (e, next) -> {
            Reply r = next.proceed(e.withRequest(e.request().withModel("gpt-4o")));
            return r.withEarlierCalls(List.of(new UpstreamCall("gpt-4o-mini", "fake", weak, 1_000_000)))
                    .withApplied(new Applied(Applied.CASCADE, "gpt-4o-mini rejected -> gpt-4o"));
        };
        LedgerRecord r = run(ex, cascade, provider(strong));
        BigDecimal weakCost = usd("0.000048");   // 120*0.15 + 50*0.60
        BigDecimal strongCost = usd("0.0011");   // 120*2.5 + 80*10
        assertThat(r.costUsd()).isEqualByComparingTo(weakCost.add(strongCost));
        long counted = TokenCounter.forModel("gpt-4o").countMessages(ex.original().messages());
        assertThat(r.baselineUsd()).isEqualByComparingTo(
                BigDecimal.valueOf(counted * 2.5 + 80 * 10.0).divide(BigDecimal.valueOf(1_000_000)));
        assertThat(r.inputTokens()).isEqualTo(240);
        assertThat(r.outputTokens()).isEqualTo(130);
        assertThat(r.strategy()).isEqualTo("cascade");
        assertThat(r.savedUsd()).isNegative();
    }

    @Test
    void a_routed_reply_is_baselined_on_the_requested_model_with_the_original_prompt_counted() {
        Exchange ex = exchange("gpt-4o", "What are your business hours?");
        Stage routing = (e, next) -> next.proceed(e.withRequest(e.request().withModel("gpt-4o-mini")))
                .withApplied(new Applied(Applied.ROUTING, "gpt-4o -> gpt-4o-mini"));
        // the small model's provider reports a different prompt count; the baseline must not use it
        LedgerRecord r = run(ex, routing, provider(new Usage(999, 0, 0, 40, true)));
        long counted = TokenCounter.forModel("gpt-4o").countMessages(ex.original().messages());
        assertThat(counted).isNotEqualTo(999);
        assertThat(r.servedModel()).isEqualTo("gpt-4o-mini");
        assertThat(r.costUsd()).isEqualByComparingTo(usd("0.00017385")); // 999*0.15 + 40*0.6
        assertThat(r.baselineUsd()).isEqualByComparingTo(
                BigDecimal.valueOf(counted * 2.5 + 40 * 10.0).divide(BigDecimal.valueOf(1_000_000)));
        assertThat(r.strategy()).isEqualTo("routing");
        assertThat(ex.responseHeaders()).containsEntry("x-tokenwise-served-model", "gpt-4o-mini");
    }

    @Test
    void a_cache_hit_costs_nothing_and_its_baseline_is_the_full_request_on_the_requested_model() {
        Exchange ex = exchange("gpt-4o", "What are your business hours?");
        Stage cache = (e, next) -> new Reply(answer("gpt-4o", new Usage(21, 0, 0, 7, true)), "gpt-4o", "cache",
                "hit-exact", List.of(), List.of(new Applied(Applied.CACHE_EXACT, "key abc")));
        LedgerRecord r = run(ex, cache);
        long counted = TokenCounter.forModel("gpt-4o").countMessages(ex.original().messages());
        assertThat(r.costUsd()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(r.baselineUsd()).isEqualByComparingTo(
                BigDecimal.valueOf(counted * 2.5 + 7 * 10.0).divide(BigDecimal.valueOf(1_000_000)));
        assertThat(r.savedUsd()).isEqualByComparingTo(r.baselineUsd());
        assertThat(r.cacheStatus()).isEqualTo("hit-exact");
        assertThat(r.provider()).isEqualTo("cache");
        assertThat(ex.responseHeaders()).containsEntry("x-tokenwise-cache", "hit-exact").containsEntry("x-tokenwise-cost-usd", "0");
    }

    @Test
    void a_cache_hit_without_usage_counts_the_answer_text_for_the_baseline_output() {
        Exchange ex = exchange("gpt-4o", "hello");
        ChatResponse noUsage = ChatResponse.of("c", "gpt-4o", 1, "We open at nine every weekday.", "stop", null);
        Stage cache = (e, next) -> new Reply(noUsage, "gpt-4o", "cache", "hit-semantic", List.of(),
                List.of(new Applied(Applied.CACHE_SEMANTIC, "0.97")));
        LedgerRecord r = run(ex, cache);
        long in = TokenCounter.forModel("gpt-4o").countMessages(ex.original().messages());
        long out = TokenCounter.forModel("gpt-4o").count("We open at nine every weekday.");
        assertThat(r.baselineUsd()).isEqualByComparingTo(
                BigDecimal.valueOf(in * 2.5 + out * 10.0).divide(BigDecimal.valueOf(1_000_000)));
    }

    @Test
    void a_rejection_is_recorded_with_its_status_and_code_and_rethrown() {
        Exchange ex = exchange("gpt-4o", "hi");
        Stage budget = (e, next) -> { throw GatewayException.rateLimited("Budget exhausted", "budget_exceeded"); };
        assertThatThrownBy(() -> new Pipeline(List.of(new AccountingStage(current, ledger, nanos::get), budget)).execute(ex))
                .isInstanceOf(GatewayException.class);
        LedgerRecord r = ledger.records.getFirst();
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.errorCode()).isEqualTo("budget_exceeded");
        assertThat(r.costUsd()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(r.id()).isEqualTo("req_1");
    }

    @Test
    void latency_is_measured_with_the_injected_clock() {
        Exchange ex = exchange("gpt-4o", "hi");
        Stage slow = (e, next) -> {
            nanos.addAndGet(42_000_000);
            return provider(new Usage(10, 0, 0, 5, true)).handle(e, next);
        };
        LedgerRecord r = run(ex, slow);
        assertThat(r.latencyMs()).isEqualTo(42.0);
        assertThat(r.ttftMs()).isEqualTo(-1);
    }

    @Test
    void an_unknown_model_is_recorded_at_zero_cost_rather_than_failing_the_request() {
        Exchange ex = exchange("my-private-model", "hi");
        LedgerRecord r = run(ex, provider(new Usage(10, 0, 0, 5, true)));
        assertThat(r.costUsd()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(r.status()).isEqualTo(200);
    }
}
