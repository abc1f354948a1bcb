package dev.tokenwise.core.pricing;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * What serving an open model on rented GPUs costs, from first principles: the weights must fit in
 * GPU memory, and each decode step of a sequence reads every weight once, so memory bandwidth ÷
 * weight bytes bounds the tokens/s of one sequence. Batching reads the weights once for the whole
 * batch, which is why servers like vLLM reach far more tokens/s in total than this per-sequence bound.
 *
 * @param paramsBillions model size in billions of parameters
 * @param precision weight precision
 * @param gpu the GPU (with the hourly price used)
 * @param memoryUtilization fraction of GPU memory the server may use (weights + KV cache), e.g. 0.9
 * @param batch concurrent sequences assumed when computing aggregate throughput
 * @param utilization fraction of paid GPU hours actually spent generating
 * @param kvMbPerToken KV-cache size per token (MB) when known, else 0
 */
public record SelfHostingPlan(double paramsBillions, Precision precision, Gpu gpu, double memoryUtilization, int batch,
                              double utilization, double kvMbPerToken) {
    /** Hours in the average month (365 × 24 ÷ 12). */
    public static final double HOURS_PER_MONTH = 730;

    public SelfHostingPlan {
        if (paramsBillions <= 0) throw new IllegalArgumentException("params must be > 0 billion, was " + paramsBillions);
        if (memoryUtilization <= 0 || memoryUtilization > 1) {
            throw new IllegalArgumentException("memory utilization must be in (0, 1], was " + memoryUtilization);
        }
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, was " + batch);
        if (utilization <= 0 || utilization > 1) throw new IllegalArgumentException("utilization must be in (0, 1], was " + utilization);
        if (kvMbPerToken < 0) throw new IllegalArgumentException("KV MB per token must be >= 0, was " + kvMbPerToken);
    }

    /** GB of weights: parameters × bytes per parameter. */
    public double weightGb() { return paramsBillions * precision.bytesPerParam(); }

    /** Memory the server may use on one GPU. */
    public double usableGbPerGpu() { return gpu.memoryGb() * memoryUtilization; }

    /** GPUs needed to hold the weights (tensor-parallel), at least one. */
    public int gpusNeeded() { return (int) Math.max(1, Math.ceil(weightGb() / usableGbPerGpu() - 1e-9)); }

    public boolean fitsOnOneGpu() { return gpusNeeded() == 1; }

    /** Usable memory left for the KV cache across the GPUs. */
    public double kvCacheRoomGb() { return gpusNeeded() * usableGbPerGpu() - weightGb(); }

    /** Tokens of context the KV-cache room holds, or -1 when the per-token size is not given. */
    public long kvCacheTokens() {
        return kvMbPerToken > 0 ? (long) Math.floor(kvCacheRoomGb() * 1000 / kvMbPerToken) : -1;
    }

    /** Upper bound on decode tokens/s of ONE sequence: aggregate bandwidth ÷ weight bytes. */
    public double decodeTokensPerSecondPerSequence() { return gpusNeeded() * gpu.bandwidthGbs() / weightGb(); }

    /** The bound for {@link #batch} sequences decoded together (weights read once per step). */
    public double aggregateTokensPerSecond() { return decodeTokensPerSecondPerSequence() * batch; }

    public double usdPerHour() { return gpusNeeded() * gpu.usdPerHour(); }

    /** $/1M tokens with the GPUs busy all the time at the bandwidth bound (the seed formula). */
    public BigDecimal usdPerMillionAtBound() {
        return PriceCatalog.selfHostedPerMillion(usdPerHour(), aggregateTokensPerSecond());
    }

    /** $/1M tokens when only {@link #utilization} of paid hours produce tokens. */
    public BigDecimal usdPerMillionAtUtilization() {
        return PriceCatalog.selfHostedPerMillion(usdPerHour(), aggregateTokensPerSecond() * utilization);
    }

    public double monthlyCostUsd() { return usdPerHour() * HOURS_PER_MONTH; }

    /** Tokens per month the deployment produces at the bound and the given utilization. */
    public double capacityTokensPerMonth() { return aggregateTokensPerSecond() * utilization * 3600 * HOURS_PER_MONTH; }

    /**
     * The API price per 1M tokens for a traffic mix of {@code inputPerOutput} input tokens per
     * output token: (input × r + output) ÷ (r + 1).
     */
    public static BigDecimal blendedPerMillion(Price api, double inputPerOutput) {
        if (inputPerOutput < 0) throw new IllegalArgumentException("input:output ratio must be >= 0, was " + inputPerOutput);
        BigDecimal r = BigDecimal.valueOf(inputPerOutput);
        return api.input().multiply(r).add(api.output()).divide(r.add(BigDecimal.ONE), MathContext.DECIMAL64);
    }

    /**
     * Monthly tokens above which the fixed GPU bill is cheaper than paying the API per token:
     * monthly GPU cost ÷ blended API $/1M × 10^6. Infinite when the API is free.
     */
    public double breakEvenTokensPerMonth(BigDecimal apiBlendedPerMillion) {
        if (apiBlendedPerMillion.signum() == 0) return Double.POSITIVE_INFINITY;
        return monthlyCostUsd() / apiBlendedPerMillion.doubleValue() * 1_000_000;
    }
}
