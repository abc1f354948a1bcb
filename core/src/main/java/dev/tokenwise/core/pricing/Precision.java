package dev.tokenwise.core.pricing;

import java.util.Locale;

/** Weight precision of a served model: how many bytes each parameter takes. */
public enum Precision {
    FP32(4), FP16(2), BF16(2), FP8(1), INT8(1), INT4(0.5);

    private final double bytesPerParam;

    Precision(double bytesPerParam) {
        this.bytesPerParam = bytesPerParam;
    }

    public double bytesPerParam() { return bytesPerParam; }

    public String label() { return name().toLowerCase(Locale.ROOT); }

    public static Precision parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("precision must be one of fp32, fp16, bf16, fp8, int8, int4; was '" + s + "'");
        }
    }
}
