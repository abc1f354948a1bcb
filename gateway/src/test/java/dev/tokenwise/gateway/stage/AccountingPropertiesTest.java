package dev.tokenwise.gateway.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Usage;
import dev.tokenwise.gateway.pipeline.Reply;
import dev.tokenwise.gateway.pipeline.UpstreamCall;
import java.math.BigDecimal;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class AccountingPropertiesTest {
    private final RequestPricer pricer = new RequestPricer(PriceCatalog.bundled("current"), false);

    private static ChatRequest request(String model) {
        var b = Json.object();
        b.put("model", model);
        b.putArray("messages").addObject().put("role", "user").put("content", "hi");
        return new ChatRequest(b);
    }

    @Property
    void an_unchanged_request_without_provider_caching_costs_exactly_its_baseline(
            @ForAll @LongRange(max = 2_000_000) long prompt, @ForAll @LongRange(max = 100_000) long completion) {
        Usage u = new Usage(prompt, 0, 0, completion, true);
        Reply r = Reply.fromProvider(ChatResponse.of("c", "gpt-4o", 1, "x", "stop", u), new UpstreamCall("gpt-4o", "mock", u, 1));
        RequestPricer.Priced p = pricer.price(request("gpt-4o"), r);
        assertThat(p.cost()).isEqualByComparingTo(p.baseline());
    }

    @Property
    void prompt_cache_reads_never_cost_more_than_the_baseline(
            @ForAll @LongRange(max = 2_000_000) long prompt, @ForAll @IntRange(max = 100) int cachedPct,
            @ForAll @LongRange(max = 100_000) long completion) {
        long cached = prompt * cachedPct / 100;
        Usage u = new Usage(prompt, cached, 0, completion, true);
        Reply r = Reply.fromProvider(ChatResponse.of("c", "claude-3-5-sonnet", 1, "x", "stop", u),
                new UpstreamCall("claude-3-5-sonnet", "mock", u, 1));
        RequestPricer.Priced p = pricer.price(request("claude-3-5-sonnet"), r);
        assertThat(p.cost()).isLessThanOrEqualTo(p.baseline());
        assertThat(p.cost().signum()).isGreaterThanOrEqualTo(0);
        assertThat(p.baseline().subtract(p.cost())).isGreaterThanOrEqualTo(BigDecimal.ZERO);
    }
}
