package dev.tokenwise.core.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class SelfHostingPlanTest {
    private static SelfHostingPlan plan(double b, Precision p, String gpu, int batch, double util) {
        return new SelfHostingPlan(b, p, Gpu.named(gpu), 0.9, batch, util, 0);
    }

    @Test
    void a_70b_model_in_fp16_needs_two_a100s_and_is_bandwidth_bound_below_30_tokens_per_second() {
        SelfHostingPlan p = plan(70, Precision.FP16, "a100-80gb", 1, 1);
        assertThat(p.weightGb()).isEqualTo(140);           // 70e9 × 2 bytes
        assertThat(p.usableGbPerGpu()).isCloseTo(72, offset(1e-9));
        assertThat(p.gpusNeeded()).isEqualTo(2);            // ceil(140 / 72)
        assertThat(p.fitsOnOneGpu()).isFalse();
        assertThat(p.kvCacheRoomGb()).isCloseTo(4, offset(1e-9));    // 144 - 140
        assertThat(p.decodeTokensPerSecondPerSequence()).isCloseTo(2 * 2039 / 140.0, offset(1e-9)); // 29.13
        assertThat(p.usdPerHour()).isEqualTo(6);
        // 6 / (29.128 × 3600) × 1e6 = 57.22
        assertThat(p.usdPerMillionAtBound().doubleValue()).isCloseTo(6e6 / (2 * 2039 / 140.0 * 3600), offset(1e-6));
    }

    @Test
    void int4_quantisation_fits_the_same_model_on_one_gpu_with_room_for_the_kv_cache() {
        SelfHostingPlan p = new SelfHostingPlan(70, Precision.INT4, Gpu.named("a100-80gb"), 0.9, 16, 0.5, 0.32768);
        assertThat(p.weightGb()).isEqualTo(35);
        assertThat(p.gpusNeeded()).isEqualTo(1);
        assertThat(p.kvCacheRoomGb()).isCloseTo(37, offset(1e-9));
        assertThat(p.kvCacheTokens()).isEqualTo((long) Math.floor(37_000 / 0.32768));
        assertThat(p.decodeTokensPerSecondPerSequence()).isCloseTo(2039 / 35.0, offset(1e-9));   // 58.26
        assertThat(p.aggregateTokensPerSecond()).isCloseTo(16 * 2039 / 35.0, offset(1e-9));     // 932
        double atUtil = 3e6 / (16 * 2039 / 35.0 * 0.5 * 3600);
        assertThat(p.usdPerMillionAtUtilization().doubleValue()).isCloseTo(atUtil, offset(1e-6));
        assertThat(p.capacityTokensPerMonth()).isCloseTo(16 * 2039 / 35.0 * 0.5 * 3600 * 730, offset(1.0));
    }

    @Test
    void break_even_is_the_monthly_gpu_bill_over_the_blended_api_price() {
        Price gpt4o = Price.of("2.50", "10.00");
        BigDecimal blended = SelfHostingPlan.blendedPerMillion(gpt4o, 3);
        assertThat(blended).isEqualByComparingTo("4.375");                  // (3 × 2.5 + 10) / 4
        SelfHostingPlan p = plan(70, Precision.INT4, "a100-80gb", 1, 1);
        assertThat(p.monthlyCostUsd()).isEqualTo(3 * 730);
        assertThat(p.breakEvenTokensPerMonth(blended)).isCloseTo(2190 / 4.375 * 1e6, offset(1.0)); // 500.6M
        assertThat(p.breakEvenTokensPerMonth(BigDecimal.ZERO)).isInfinite();
        assertThat(SelfHostingPlan.blendedPerMillion(gpt4o, 0)).isEqualByComparingTo("10");
    }

    @Test
    void a_small_model_fits_a_small_gpu() {
        SelfHostingPlan p = plan(8, Precision.FP16, "l4", 1, 1);
        assertThat(p.weightGb()).isEqualTo(16);
        assertThat(p.fitsOnOneGpu()).isTrue();
        assertThat(p.decodeTokensPerSecondPerSequence()).isCloseTo(18.75, offset(1e-9));
    }

    @Test
    void bad_inputs_are_refused_with_the_value_named() {
        assertThatThrownBy(() -> Gpu.named("tpu")).hasMessageContaining("unknown GPU 'tpu'").hasMessageContaining("a100-80gb");
        assertThatThrownBy(() -> Precision.parse("fp12")).hasMessageContaining("'fp12'");
        assertThatThrownBy(() -> plan(0, Precision.FP16, "l4", 1, 1)).hasMessageContaining("params");
        assertThatThrownBy(() -> plan(7, Precision.FP16, "l4", 1, 1.5)).hasMessageContaining("utilization");
    }

    @Test
    void every_bundled_gpu_has_a_price_date_and_source() {
        assertThat(Gpu.bundled()).containsKeys("a100-80gb", "h100-80gb", "l4", "a10g");
        Gpu.bundled().values().forEach(g -> {
            assertThat(g.asOf()).as(g.name()).isNotNull();
            assertThat(g.source()).as(g.name()).isNotBlank();
        });
    }
}
