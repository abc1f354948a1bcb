package dev.tokenwise.core.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Usage;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceCatalogTest {
    private final PriceCatalog current = PriceCatalog.bundled();

    @Test
    void dated_and_vendor_prefixed_names_are_priced_by_the_longest_known_prefix() {
        assertThat(current.find("gpt-4o-2024-08-06")).contains(current.prices().get("gpt-4o"));
        assertThat(current.find("gpt-4o-mini-2024-07-18")).contains(current.prices().get("gpt-4o-mini"));
        assertThat(current.find("openai/gpt-4o-mini")).contains(current.prices().get("gpt-4o-mini"));
        assertThat(current.find("GPT-4O")).contains(current.prices().get("gpt-4o"));
        assertThat(current.find("claude-3-5-sonnet-20241022")).contains(current.prices().get("claude-3-5-sonnet"));
        assertThat(current.find("gpt-4-1106-preview").orElseThrow().input()).isEqualByComparingTo("10");
        assertThat(current.find("mistralai/mixtral-8x7b-instruct-v0.1")).isPresent();
        assertThat(current.find("unknown-model")).isEmpty();
        assertThat(current.cost("unknown-model", Usage.counted(1000, 1000))).isEqualByComparingTo("0");
    }

    @Test
    void plain_usage_costs_input_plus_output_per_million() {
        // gpt-4o current: $2.50 in, $10.00 out per 1M
        assertThat(current.cost("gpt-4o", Usage.counted(1_000_000, 1_000_000))).isEqualByComparingTo("12.5");
        assertThat(current.cost("gpt-4o", Usage.counted(1200, 300))).isEqualByComparingTo("0.006");
    }

    @Test
    void openai_cached_tokens_are_billed_at_the_cached_price() {
        Usage u = Usage.fromOpenAi(Json.parse("""
                {"prompt_tokens": 2000, "completion_tokens": 100, "prompt_tokens_details": {"cached_tokens": 1536}}"""));
        // 464 × 2.50 + 1536 × 1.25 + 100 × 10.00 = 1160 + 1920 + 1000 = 4080 per 1M
        assertThat(current.cost("gpt-4o", u)).isEqualByComparingTo("0.00408");
    }

    @Test
    void anthropic_cache_reads_and_writes_have_their_own_prices() {
        // claude-3-5-sonnet: in 3.00, cache read 0.30, cache write 3.75, out 15.00
        Usage u = new Usage(10_000, 6_000, 3_000, 500, true);
        // 1000 × 3 + 6000 × 0.3 + 3000 × 3.75 + 500 × 15 = 3000 + 1800 + 11250 + 7500 = 23550 per 1M
        assertThat(current.cost("claude-3-5-sonnet", u)).isEqualByComparingTo("0.02355");
    }

    @Test
    void a_batch_discount_takes_its_fraction_off() {
        assertThat(current.cost("gpt-4o", Usage.counted(1_000_000, 1_000_000), 0.5)).isEqualByComparingTo("6.25");
    }

    @Test
    void overrides_replace_and_extend_the_sheet_without_touching_the_original() {
        PriceCatalog o = current.withOverrides(Map.of("gpt-4o", Price.of("1", "2"), "my-finetune", Price.of("0.5", "0.5")));
        assertThat(o.cost("gpt-4o-2024-08-06", Usage.counted(1_000_000, 1_000_000))).isEqualByComparingTo("3");
        assertThat(o.find("my-finetune-v2")).isPresent();
        assertThat(current.cost("gpt-4o", Usage.counted(1_000_000, 0))).isEqualByComparingTo("2.5");
        assertThat(Price.of("1", "2").cachedInput()).as("no cache discount unless given").isEqualByComparingTo("1");
    }

    @Test
    void the_seed_sheet_has_the_playbooks_2025_table() {
        PriceCatalog seed = PriceCatalog.bundled(PriceCatalog.SEED_SHEET);
        assertThat(seed.find("gpt-4o").orElseThrow().output()).isEqualByComparingTo("20");
        assertThat(seed.find("claude-3-haiku").orElseThrow().input()).isEqualByComparingTo("0.25");
        assertThat(seed.find("llama-3-70b").orElseThrow().input()).isEqualByComparingTo("0.80");
        assertThatThrownBy(() -> PriceCatalog.bundled("nope")).hasMessageContaining("unknown price sheet 'nope'");
    }

    @Test
    void every_bundled_price_has_a_date_and_a_source() {
        for (String sheet : PriceCatalog.bundledSheets()) {
            PriceCatalog.bundled(sheet).prices().forEach((m, p) -> {
                assertThat(p.asOf()).as(sheet + "." + m + ".as_of").isNotNull();
                assertThat(p.source()).as(sheet + "." + m + ".source").isNotBlank();
            });
        }
    }

    @Test
    void the_seed_self_hosting_example_costs_a_dollar_and_four_cents_per_million() {
        BigDecimal perM = PriceCatalog.selfHostedPerMillion(3, 800);
        // $3 / (800 × 3600) × 10^6 = 3,000,000 / 2,880,000 = 1.041666...
        assertThat(perM.doubleValue()).isCloseTo(1.0416666, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(perM.setScale(2, java.math.RoundingMode.HALF_UP)).isEqualByComparingTo("1.04");
        assertThatThrownBy(() -> PriceCatalog.selfHostedPerMillion(3, 0)).hasMessageContaining("tokens/s");
    }
}
