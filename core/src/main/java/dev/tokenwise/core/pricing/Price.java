package dev.tokenwise.core.pricing;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * What one model costs, in US dollars per one million tokens.
 *
 * @param input plain input tokens
 * @param cachedInput input tokens read from the provider's prompt cache (OpenAI cached_tokens,
 *     Anthropic cache reads); equals {@code input} where the vendor gives no discount
 * @param cacheWrite input tokens written to the prompt cache (Anthropic: 1.25× input); equals
 *     {@code input} where writes are not billed separately
 * @param output generated tokens
 * @param asOf the date the price was read
 * @param source where it was read (a URL or document name)
 */
public record Price(BigDecimal input, BigDecimal cachedInput, BigDecimal cacheWrite, BigDecimal output,
                    LocalDate asOf, String source) {
    public Price {
        if (input == null || output == null) throw new IllegalArgumentException("input and output prices are required");
        if (cachedInput == null) cachedInput = input;
        if (cacheWrite == null) cacheWrite = input;
        for (BigDecimal p : new BigDecimal[] {input, cachedInput, cacheWrite, output}) {
            if (p.signum() < 0) throw new IllegalArgumentException("prices must be >= 0, was " + p);
        }
    }

    public static Price of(String input, String output) {
        return new Price(new BigDecimal(input), null, null, new BigDecimal(output), null, null);
    }
}
